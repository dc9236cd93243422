package dev.plaza.history.biz;

import java.util.Locale;
import java.util.Optional;

/** What a history record is about; the first half of a {@link Kid}. Bilibili's business names. */
public enum Business {
    ARCHIVE("archive"),
    PGC("pgc"),
    LIVE("live"),
    ARTICLE("article");

    private final String code;

    Business(String code) {
        this.code = code;
    }

    /** The name in kids and in the API ({@code archive}, {@code pgc}, {@code live}, {@code article}). */
    public String code() {
        return code;
    }

    public static Optional<Business> of(String code) {
        if (code == null) {
            return Optional.empty();
        }
        String c = code.toLowerCase(Locale.ROOT);
        for (Business b : values()) {
            if (b.code.equals(c)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }
}
