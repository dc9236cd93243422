package dev.plaza.archive.biz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.api.archive.v1.ArchiveErrorReason;
import dev.plaza.kit.errors.PlazaError;
import org.junit.jupiter.api.Test;

class ArchiveRulesTest {
    private static final String MEDIA = "https://cdn.example.com/v/1.mp4";

    @Test
    void acceptsAndNormalizesAGoodVideo() {
        ArchiveDraft d = ArchiveRules.draft(7, "  Hello  ", null, 60, null, MEDIA);
        assertThat(d).isEqualTo(new ArchiveDraft(7, "Hello", "", 60, "", MEDIA));
        ArchiveDraft full = ArchiveRules.draft(7, "t", "line 1\nline 2\ttab", 86_400, "http://img.example.com/c.jpg", MEDIA);
        assertThat(full.desc()).isEqualTo("line 1\nline 2\ttab");
        assertThat(full.cover()).isEqualTo("http://img.example.com/c.jpg");
    }

    @Test
    void lengthsCountCharactersNotUtf16Units() {
        String emoji80 = "\uD83D\uDE00".repeat(80);
        assertThat(ArchiveRules.draft(1, emoji80, "", 1, "", MEDIA).title()).isEqualTo(emoji80);
        expectInvalid("title", () -> ArchiveRules.draft(1, emoji80 + "x", "", 1, "", MEDIA));
        assertThat(ArchiveRules.draft(1, "t", "d".repeat(2000), 1, "", MEDIA).desc()).hasSize(2000);
        expectInvalid("desc", () -> ArchiveRules.draft(1, "t", "d".repeat(2001), 1, "", MEDIA));
    }

    @Test
    void rejectsEachBadFieldByName() {
        expectInvalid("mid", () -> ArchiveRules.draft(0, "t", "", 1, "", MEDIA));
        expectInvalid("title", () -> ArchiveRules.draft(1, null, "", 1, "", MEDIA));
        expectInvalid("title", () -> ArchiveRules.draft(1, "   ", "", 1, "", MEDIA));
        expectInvalid("title", () -> ArchiveRules.draft(1, "x".repeat(81), "", 1, "", MEDIA));
        expectInvalid("title", () -> ArchiveRules.draft(1, "a\nb", "", 1, "", MEDIA));
        expectInvalid("title", () -> ArchiveRules.draft(1, "a\u0000b", "", 1, "", MEDIA));
        expectInvalid("title", () -> ArchiveRules.draft(1, "broken \uD83D", "", 1, "", MEDIA));
        expectInvalid("desc", () -> ArchiveRules.draft(1, "t", "bell\u0007", 1, "", MEDIA));
        expectInvalid("duration", () -> ArchiveRules.draft(1, "t", "", 0, "", MEDIA));
        expectInvalid("duration", () -> ArchiveRules.draft(1, "t", "", 86_401, "", MEDIA));
        expectInvalid("duration", () -> ArchiveRules.draft(1, "t", "", -5, "", MEDIA));
        expectInvalid("media_url", () -> ArchiveRules.draft(1, "t", "", 1, "", null));
        expectInvalid("media_url", () -> ArchiveRules.draft(1, "t", "", 1, "", " "));
        expectInvalid("cover", () -> ArchiveRules.draft(1, "t", "", 1, "ftp://x.example.com/c.jpg", MEDIA));
        expectInvalid("cover", () -> ArchiveRules.draft(1, "t", "", 1, "https://x.example.com/" + "c".repeat(500), MEDIA));
    }

    @Test
    void urlsMustBeAbsoluteHttpWithAHost() {
        for (String bad : new String[] {"javascript:alert(1)", "/relative/path.mp4", "cdn.example.com/v.mp4",
                "http://", "https:///nohost.mp4", "http://exa mple.com/v.mp4", "http://example.com/a b.mp4",
                "file:///etc/passwd", "data:video/mp4;base64,AAAA", "http://[bad/v.mp4",
                "https://example.com/" + "v".repeat(1010)}) {
            expectInvalid("media_url", () -> ArchiveRules.draft(1, "t", "", 1, "", bad));
        }
        for (String good : new String[] {"http://example.com/v.mp4", "HTTPS://Example.com:8443/v.mp4?x=1#t=3",
                "https://127.0.0.1/v.mp4", "https://cdn.example.com/" + "v".repeat(1000)}) {
            assertThat(ArchiveRules.draft(1, "t", "", 1, "", good).mediaUrl()).isEqualTo(good);
        }
    }

    private static void expectInvalid(String field, Runnable r) {
        assertThatThrownBy(r::run)
                .isInstanceOfSatisfying(PlazaError.class, e -> {
                    assertThat(e.code()).isEqualTo(-400);
                    assertThat(e.reason()).isEqualTo(ArchiveErrorReason.ARCHIVE_INVALID.name());
                    assertThat(e.getMessage()).startsWith(field + ":");
                    assertThat(e.metadata()).containsEntry("field", field);
                });
    }
}
