package dev.plaza.archive.biz;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The bounds of a video's fields, checked before anything is stored. Lengths count characters (code points), like
 * the {@code VARCHAR} columns that hold them, so an emoji is one character.
 */
public final class ArchiveRules {
    public static final int TITLE_MAX = 80;
    public static final int DESC_MAX = 2000;
    public static final int DURATION_MIN = 1;
    public static final int DURATION_MAX = 86_400;
    public static final int COVER_MAX = 512;
    public static final int MEDIA_URL_MAX = 1024;

    private ArchiveRules() {
    }

    /**
     * Checks and normalizes a new video: title and description are stripped of surrounding white space; a null
     * description or cover counts as empty. Throws -400 ARCHIVE_INVALID naming the first bad field.
     */
    public static ArchiveDraft draft(long ownerMid, String title, String desc, long duration, String cover,
                                     String mediaUrl) {
        if (ownerMid <= 0) {
            throw ArchiveErrors.invalid("mid", "the uploader must be a logged-in user");
        }
        String t = title == null ? "" : title.strip();
        checkText("title", t, 1, TITLE_MAX, false);
        String d = desc == null ? "" : desc.strip();
        checkText("desc", d, 0, DESC_MAX, true);
        if (duration < DURATION_MIN || duration > DURATION_MAX) {
            throw ArchiveErrors.invalid("duration", "must be " + DURATION_MIN + " to " + DURATION_MAX + " seconds");
        }
        String c = cover == null ? "" : cover.strip();
        if (!c.isEmpty()) {
            checkUrl("cover", c, COVER_MAX);
        }
        String m = mediaUrl == null ? "" : mediaUrl.strip();
        if (m.isEmpty()) {
            throw ArchiveErrors.invalid("media_url", "is required");
        }
        checkUrl("media_url", m, MEDIA_URL_MAX);
        return new ArchiveDraft(ownerMid, t, d, (int) duration, c, m);
    }

    private static void checkText(String field, String v, int min, int max, boolean multiline) {
        int len = v.codePointCount(0, v.length());
        if (len < min || len > max) {
            throw ArchiveErrors.invalid(field, min == 0
                    ? "must be at most " + max + " characters, got " + len
                    : "must be " + min + " to " + max + " characters, got " + len);
        }
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                throw ArchiveErrors.invalid(field, "is not valid text (broken surrogate pair)");
            } else if (Character.isISOControl(ch) && !(multiline && (ch == '\n' || ch == '\r' || ch == '\t'))) {
                throw ArchiveErrors.invalid(field, "must not contain control characters");
            }
        }
    }

    /** An absolute http or https URL with a host; no white space or control characters anywhere. */
    private static void checkUrl(String field, String v, int max) {
        if (v.length() > max) {
            throw ArchiveErrors.invalid(field, "must be at most " + max + " characters, got " + v.length());
        }
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (Character.isWhitespace(ch) || Character.isISOControl(ch) || Character.isSurrogate(ch)) {
                throw ArchiveErrors.invalid(field, "must be an http or https URL without spaces");
            }
        }
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw ArchiveErrors.invalid(field, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ArchiveErrors.invalid(field, "must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw ArchiveErrors.invalid(field, "must be an http or https URL with a host");
        }
    }
}
