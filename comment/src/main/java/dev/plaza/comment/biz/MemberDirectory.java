package dev.plaza.comment.biz;

import java.util.Collection;
import java.util.Map;

/** Users' public profiles, and names to mids for @mentions. */
public interface MemberDirectory {
    /**
     * Profiles of the mids that are known; unknown ones are left out. Implementations answer what they can rather
     * than fail when the account system cannot be reached, so a comment list never fails for a profile.
     */
    Map<Long, Member> members(Collection<Long> mids);

    /**
     * The mids of the given names (exact names, compared case-insensitively); names not known are left out. The map
     * is keyed by the name as asked.
     */
    Map<String, Long> midsByNames(Collection<String> names);
}
