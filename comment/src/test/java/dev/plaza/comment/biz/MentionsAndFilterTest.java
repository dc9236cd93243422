package dev.plaza.comment.biz;

import dev.plaza.kit.text.SensitiveFilter;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MentionsAndFilterTest {
    @Test
    void mentionNamesAreParsedGreedilyOnceEach() {
        assertThat(Mentions.names("hi @neo, and @Trinity! @neo again @NEO")).containsExactly("neo", "Trinity");
        assertThat(Mentions.names("@小明同学 你好 @用户_01-x：")).containsExactly("小明同学", "用户_01-x");
        assertThat(Mentions.names("mail me at neo@example.com")).isEmpty();
        assertThat(Mentions.names("@ab is too short, @" + "x".repeat(33) + " too long")).isEmpty();
        assertThat(Mentions.names("@@neo")).containsExactly("neo");
        assertThat(Mentions.names("(@neo)")).containsExactly("neo");
        assertThat(Mentions.names("no mentions here")).isEmpty();
    }

    @Test
    void mentionsResolveKnownNamesUpToTheLimit() {
        Fakes.Members members = new Fakes.Members();
        StringBuilder text = new StringBuilder();
        List<Long> expected = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            members.add(i, "user" + i);
            text.append("@user").append(i).append(' ');
            if (i <= 10) {
                expected.add((long) i);
            }
        }
        text.append("@ghost");
        Mentions mentions = new Mentions(members);
        assertThat(mentions.resolve(text.toString(), List.of())).containsExactlyElementsOf(expected);
        assertThat(mentions.resolve("@USER3 @user3 @ghost", List.of(99L))).containsExactly(3L);
        assertThat(members.asked).contains(List.of(99L));
        assertThat(mentions.resolve("nobody", List.of(1L))).isEmpty();
    }

    @Test
    void sensitiveFilterFindsWordsIgnoringCaseAndWidth() {
        SensitiveFilter f = new SensitiveFilter(List.of("Spam", "脏话", "  ", "ｂａｄ"), SensitiveFilter.Mode.REVIEW);
        assertThat(f.size()).isEqualTo(3);
        assertThat(f.mode()).isEqualTo(SensitiveFilter.Mode.REVIEW);
        assertThat(f.check("buy SPAM now").hits()).containsExactly("spam");
        assertThat(f.check("ＳＰＡＭ and bad and 说脏话").hits()).containsExactly("spam", "bad", "脏话");
        assertThat(f.check("clean text").clean()).isTrue();
        assertThat(f.check("").clean()).isTrue();
        assertThat(SensitiveFilter.none().check("spam").clean()).isTrue();
    }

    @Test
    void sensitiveWordsLoadFromAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("words.txt");
        java.nio.file.Files.writeString(file, "# one word a line\nspam\n\n  脏话  \n#not this\n");
        SensitiveFilter f = SensitiveFilter.load(file, SensitiveFilter.Mode.REJECT);
        assertThat(f.size()).isEqualTo(2);
        assertThat(f.check("not this").clean()).isTrue();
        assertThat(f.check("脏话").clean()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SensitiveFilter.load(dir.resolve("missing"),
                SensitiveFilter.Mode.REJECT)).isInstanceOf(java.io.UncheckedIOException.class);
    }

    @Test
    void hotIndexScoreKeepsHotScoreOrderAtAnyMoment() {
        long base = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
        int[][] comments = {{0, 0, 0, 0}, {1, 0, 0, 1}, {10, 2, 1, 30}, {500, 20, 20, 60}, {5, 0, 0, 2},
                {3, 1, 9, 5}, {0, 0, 5, 10}, {40, 0, 0, 100}, {1, 0, 0, 200}};
        for (long nowHours : new long[]{300, 1_000, 10_000}) {
            long now = base + nowHours * 3_600_000L;
            List<Integer> byHot = order(comments, (c) -> HotScore.score(c[0], c[1], c[2], now - ctime(base, c)));
            List<Integer> byIndex = order(comments, (c) -> IndexScores.hot(c[0], c[1], c[2], ctime(base, c)));
            // HotScore gives 0 to all unapproved comments (a tie); the index orders those by time, after the rest
            assertThat(byIndex.subList(0, 7)).isEqualTo(byHot.subList(0, 7));
        }
    }

    private static long ctime(long base, int[] c) {
        return base + c[3] * 3_600_000L;
    }

    private static List<Integer> order(int[][] comments, java.util.function.ToDoubleFunction<int[]> score) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < comments.length; i++) {
            idx.add(i);
        }
        idx.sort((a, b) -> Double.compare(score.applyAsDouble(comments[b]), score.applyAsDouble(comments[a])));
        return idx;
    }
}
