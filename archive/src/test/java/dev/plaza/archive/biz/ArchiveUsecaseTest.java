package dev.plaza.archive.biz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.errors.PlazaError;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ArchiveUsecaseTest {
    private static final String MEDIA = "https://cdn.example.com/v.mp4";

    private final Fakes.Repo repo = new Fakes.Repo();
    private final Fakes.Views views = new Fakes.Views();
    private final Fakes.Owners owners = new Fakes.Owners().with(7, "neo", "https://img.example.com/neo.png");
    private final ArchiveUsecase usecase = new ArchiveUsecase(repo, views, owners);

    @Test
    void addThenViewCountsEachView() {
        Archive a = usecase.add(7, "First", "hello", 90, "", MEDIA);
        ArchiveView v1 = usecase.view(a.aid());
        ArchiveView v2 = usecase.view(a.aid());
        assertThat(v1.archive()).isEqualTo(a);
        assertThat(v1.owner()).isEqualTo(new Owner(7, "neo", "https://img.example.com/neo.png"));
        assertThat(v1.stat().view()).isEqualTo(1);
        assertThat(v2.stat().view()).isEqualTo(2);
        assertThat(v2.stat().reply()).isZero();
        // get() is for other systems and does not count
        assertThat(usecase.get(a.aid())).isEqualTo(a);
        assertThat(views.counts.get(a.aid())).isEqualTo(2);
    }

    @Test
    void theCountersOtherSystemsReportShowInViewsAndLists() {
        Archive a = usecase.add(7, "Counted", "", 90, "", MEDIA);
        Archive b = usecase.add(7, "Quiet", "", 90, "", MEDIA);
        usecase.setStat(a.aid(), StatCounters.Kind.REPLY, 3);
        usecase.setStat(a.aid(), StatCounters.Kind.DANMAKU, 12);
        usecase.setStat(a.aid(), StatCounters.Kind.REPLY, 2); // a comment hidden: the newest total wins
        usecase.setStat(b.aid(), StatCounters.Kind.DANMAKU, -5); // nonsense from a sender: read as 0

        ArchiveStat viewed = usecase.view(a.aid()).stat();
        assertThat(viewed.view()).isEqualTo(1);
        assertThat(viewed.reply()).isEqualTo(2);
        assertThat(viewed.danmaku()).isEqualTo(12);
        List<ArchiveView> listed = usecase.list(1, 10, OptionalLong.empty()).items();
        assertThat(listed).extracting(v -> v.stat().danmaku()).containsExactly(0L, 12L); // newest first
        assertThat(listed.get(1).stat().view()).isEqualTo(1);
    }

    @Test
    void unknownOwnerRendersWithoutAName() {
        Archive a = usecase.add(99, "Orphan", "", 10, "", MEDIA);
        ArchiveView v = usecase.view(a.aid());
        assertThat(v.owner()).isEqualTo(new Owner(99, "", ""));
    }

    @Test
    void unknownAidIsNotFoundAndCountsNothing() {
        for (long aid : new long[] {123, 0, -1}) {
            assertThatThrownBy(() -> usecase.view(aid)).isInstanceOfSatisfying(PlazaError.class, e -> {
                assertThat(e.code()).isEqualTo(-404);
                assertThat(e.reason()).isEqualTo("ARCHIVE_NOT_FOUND");
            });
        }
        assertThat(views.counts).isEmpty();
    }

    @Test
    void badInputStoresNothing() {
        assertThatThrownBy(() -> usecase.add(7, "", "", 10, "", MEDIA)).isInstanceOf(PlazaError.class);
        assertThatThrownBy(() -> usecase.add(7, "t", "", 10, "", "ftp://x/y")).isInstanceOf(PlazaError.class);
        assertThat(repo.rows).isEmpty();
        assertThat(repo.events).isEmpty();
    }

    @Test
    void listIsNewestFirstPagedAndFilteredWithOneOwnerLookupPerPage() {
        List<Long> aids = LongStream.rangeClosed(1, 7)
                .mapToObj(i -> usecase.add(i % 2 == 0 ? 8 : 7, "v" + i, "", 10, "", MEDIA).aid())
                .toList();
        usecase.view(aids.get(6));
        owners.calls.clear();

        ArchiveList p1 = usecase.list(1, 3, OptionalLong.empty());
        assertThat(p1.count()).isEqualTo(7);
        assertThat(p1.items()).extracting(v -> v.archive().title()).containsExactly("v7", "v6", "v5");
        assertThat(p1.items().get(0).stat().view()).isEqualTo(1);
        assertThat(p1.items().get(1).owner().name()).isEmpty();   // mid 8 unknown to the directory
        assertThat(p1.items().get(0).owner().name()).isEqualTo("neo");
        assertThat(owners.calls).hasSize(1);
        assertThat(owners.calls.get(0)).containsExactlyInAnyOrder(7L, 8L);

        assertThat(usecase.list(3, 3, OptionalLong.empty()).items()).extracting(v -> v.archive().title())
                .containsExactly("v1");
        assertThat(usecase.list(4, 3, OptionalLong.empty()).items()).isEmpty();

        ArchiveList mine = usecase.list(1, 50, OptionalLong.of(8));
        assertThat(mine.count()).isEqualTo(3);
        assertThat(mine.items()).extracting(v -> v.archive().title()).containsExactly("v6", "v4", "v2");
    }

    @Test
    void listRejectsBadPaging() {
        assertThatThrownBy(() -> usecase.list(0, 10, OptionalLong.empty())).isInstanceOf(PlazaError.class);
        assertThatThrownBy(() -> usecase.list(1, 0, OptionalLong.empty())).isInstanceOf(PlazaError.class);
        assertThatThrownBy(() -> usecase.list(1, 51, OptionalLong.empty())).isInstanceOf(PlazaError.class);
    }

    @Test
    void batchLookupLeavesUnknownOutAndIsBounded() {
        Archive a = usecase.add(7, "A", "", 10, "", MEDIA);
        assertThat(usecase.getMany(List.of(a.aid(), 42L, a.aid(), -3L))).containsOnlyKeys(a.aid());
        assertThat(usecase.getMany(List.of())).isEmpty();
        List<Long> tooMany = LongStream.rangeClosed(1, 101).boxed().toList();
        assertThatThrownBy(() -> usecase.getMany(tooMany)).isInstanceOfSatisfying(PlazaError.class,
                e -> assertThat(e.code()).isEqualTo(-400));
    }

    @Test
    void seedDemoOnlyFillsAnEmptyCatalog() {
        List<Archive> seeded = usecase.seedDemo(7);
        assertThat(seeded).isNotEmpty().allSatisfy(a -> assertThat(a.ownerMid()).isEqualTo(7));
        assertThat(usecase.count()).isEqualTo(seeded.size());
        assertThat(usecase.seedDemo(7)).isEmpty();
        assertThat(usecase.count()).isEqualTo(seeded.size());
    }
}
