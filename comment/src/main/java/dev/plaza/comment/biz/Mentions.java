package dev.plaza.comment.biz;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the @names of a message into at-mids. A mention is {@code @} followed by a user name as the account system
 * allows it (3-32 letters of any script, digits, {@code _} or {@code -}), taken greedily, so "@neo，hi" mentions
 * "neo". An {@code @} inside a word (an e-mail address) is not a mention. Unknown names stay plain text; at most
 * {@link CommentRules#MENTIONS_MAX} distinct users are resolved, in order of appearance.
 */
public final class Mentions {
    private static final Pattern MENTION = Pattern.compile("(?<![\\p{L}\\p{N}_.-])@([\\p{L}\\p{N}_-]{3,32})(?![\\p{L}\\p{N}_-])");

    private final MemberDirectory members;
    private final int max;

    public Mentions(MemberDirectory members) {
        this(members, CommentRules.MENTIONS_MAX);
    }

    public Mentions(MemberDirectory members, int max) {
        this.members = members;
        this.max = max;
    }

    /** The distinct names mentioned, in order of first appearance (as written). */
    public static List<String> names(String message) {
        Set<String> seen = new LinkedHashSet<>();
        Set<String> lower = new LinkedHashSet<>();
        Matcher m = MENTION.matcher(message);
        while (m.find()) {
            String name = m.group(1);
            if (lower.add(name.toLowerCase(java.util.Locale.ROOT))) {
                seen.add(name);
            }
        }
        return List.copyOf(seen);
    }

    /**
     * The mids mentioned, in order of appearance, at most {@code max}.
     *
     * @param context users to make known to the directory first (the thread's participants), so that mentioning the
     *                person one answers always resolves
     */
    public List<Long> resolve(String message, Collection<Long> context) {
        List<String> names = names(message);
        if (names.isEmpty()) {
            return List.of();
        }
        if (!context.isEmpty()) {
            members.members(context);
        }
        Map<String, Long> found = members.midsByNames(names);
        Set<Long> mids = new LinkedHashSet<>();
        for (String name : names) {
            Long mid = found.get(name);
            if (mid != null && mid > 0) {
                mids.add(mid);
                if (mids.size() == max) {
                    break;
                }
            }
        }
        return new ArrayList<>(mids);
    }
}
