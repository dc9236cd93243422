package dev.plaza.kit.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.ahocorasick.trie.Emit;
import org.ahocorasick.trie.Trie;

/**
 * Finds configured words in a message in one pass (Aho-Corasick over the whole list, so the cost does not grow with
 * the list). Matching ignores case and width: text and words are compared after NFKC folding and lower-casing, so
 * "ＢＡＤ" matches "bad". The message itself is never changed; the filter only decides.
 */
public final class SensitiveFilter {
    /** What a hit does to a post. */
    public enum Mode {
        /** Refuse the post with 12016. */
        REJECT,
        /** Accept it in state PENDING, hidden until a moderator approves it. */
        REVIEW
    }

    /** The words found (as configured, folded), in order of first appearance; empty when the text is clean. */
    public record Verdict(List<String> hits) {
        public Verdict {
            hits = List.copyOf(hits);
        }

        public boolean clean() {
            return hits.isEmpty();
        }
    }

    private static final Verdict CLEAN = new Verdict(List.of());

    private final Trie trie; // null when there are no words
    private final Mode mode;
    private final int size;

    public SensitiveFilter(Collection<String> words, Mode mode) {
        if (mode == null) {
            throw new IllegalArgumentException("sensitive filter mode is required");
        }
        this.mode = mode;
        Set<String> folded = new LinkedHashSet<>();
        for (String w : words) {
            if (w != null && !w.isBlank()) {
                folded.add(fold(w.strip()));
            }
        }
        this.size = folded.size();
        this.trie = folded.isEmpty() ? null : Trie.builder().addKeywords(folded).build();
    }

    /**
     * A filter over the words of a UTF-8 file ({@link #readList}).
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public static SensitiveFilter load(Path file, Mode mode) {
        return new SensitiveFilter(readList(file), mode);
    }

    /**
     * The words of a UTF-8 file, one per line; blank lines and lines starting with {@code #} are skipped.
     *
     * @throws UncheckedIOException when the file cannot be read (a configured list that is missing is an error, not
     *                              an empty list)
     */
    public static List<String> readList(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sensitive-word list " + file, e);
        }
    }

    /** A filter that finds nothing. */
    public static SensitiveFilter none() {
        return new SensitiveFilter(List.of(), Mode.REJECT);
    }

    public Mode mode() {
        return mode;
    }

    /** How many distinct words it looks for. */
    public int size() {
        return size;
    }

    public Verdict check(String text) {
        if (trie == null || text == null || text.isEmpty()) {
            return CLEAN;
        }
        Collection<Emit> emits = trie.parseText(fold(text));
        if (emits.isEmpty()) {
            return CLEAN;
        }
        Set<String> hits = new LinkedHashSet<>();
        for (Emit e : emits) {
            hits.add(e.getKeyword());
        }
        return new Verdict(List.copyOf(hits));
    }

    static String fold(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }
}
