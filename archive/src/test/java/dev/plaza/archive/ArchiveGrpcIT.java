package dev.plaza.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.api.archive.v1.ArchiveErrorReason;
import dev.plaza.api.archive.v1.ArchiveInfo;
import dev.plaza.api.archive.v1.GetArchiveRequest;
import dev.plaza.api.archive.v1.GetArchivesReply;
import dev.plaza.api.archive.v1.GetArchivesRequest;
import dev.plaza.archive.biz.Archive;
import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The catalog's gRPC service as other systems call it (in-process transport, real MariaDB and Redis, no Kafka). */
@RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveGrpcIT {
    private ArchiveTestStack stack;

    @BeforeAll
    void start(Endpoints endpoints) throws Exception {
        stack = ArchiveTestStack.start(endpoints, "arc_grpc_it", 2, null);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void getArchiveReturnsEveryField() {
        Archive a = stack.archive().usecase().add(42, "grpc video", "desc", 61, "https://img.example.com/g.jpg",
                "https://cdn.example.com/g.mp4");
        ArchiveInfo info = stack.archiveStub().getArchive(GetArchiveRequest.newBuilder().setAid(a.aid()).build());
        assertThat(info).isEqualTo(ArchiveInfo.newBuilder()
                .setAid(a.aid()).setCid(a.cid()).setTitle("grpc video").setDesc("desc").setDuration(61)
                .setCover("https://img.example.com/g.jpg").setMediaUrl("https://cdn.example.com/g.mp4")
                .setOwnerMid(42).setPubdate(a.pubdate().getEpochSecond()).build());
        // other systems' reads do not count as plays
        assertThat(stack.redis().sync().get("arc:view:" + a.aid())).isNull();
    }

    @Test
    void unknownAidIsNotFoundWithErrorInfo() {
        for (long aid : new long[] {99_999_999, 0, -1}) {
            assertThatThrownBy(() -> stack.archiveStub().getArchive(GetArchiveRequest.newBuilder().setAid(aid).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                        PlazaError err = GrpcErrors.fromThrowable(e);
                        assertThat(err.code()).isEqualTo(-404);
                        assertThat(err.reason()).isEqualTo(ArchiveErrorReason.ARCHIVE_NOT_FOUND.name());
                        assertThat(err.domain()).isEqualTo("archive.plaza");
                    });
        }
    }

    @Test
    void batchLeavesUnknownOutAndIsBounded() {
        Archive a = stack.archive().usecase().add(42, "one", "", 1, "", "https://cdn.example.com/1.mp4");
        Archive b = stack.archive().usecase().add(43, "two", "", 2, "", "https://cdn.example.com/2.mp4");
        GetArchivesReply reply = stack.archiveStub().getArchives(GetArchivesRequest.newBuilder()
                .addAllAids(List.of(a.aid(), b.aid(), 77_777_777L, a.aid())).build());
        assertThat(reply.getArchivesMap()).containsOnlyKeys(a.aid(), b.aid());
        assertThat(reply.getArchivesMap().get(b.aid()).getTitle()).isEqualTo("two");
        assertThat(stack.archiveStub().getArchives(GetArchivesRequest.getDefaultInstance()).getArchivesCount()).isZero();

        List<Long> hundred = LongStream.rangeClosed(1, 100).boxed().toList();
        assertThat(stack.archiveStub().getArchives(GetArchivesRequest.newBuilder().addAllAids(hundred).build()))
                .isNotNull();
        List<Long> tooMany = LongStream.rangeClosed(1, 101).boxed().toList();
        assertThatThrownBy(() -> stack.archiveStub().getArchives(GetArchivesRequest.newBuilder().addAllAids(tooMany)
                .build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(GrpcErrors.fromThrowable(e).code()).isEqualTo(-400);
                });
    }

    @Test
    void withoutKafkaTheCatalogWorksAndEventsWait() {
        long before = stack.archive().pendingEvents();
        stack.archive().usecase().add(42, "waits for a relay", "", 1, "", "https://cdn.example.com/w.mp4");
        assertThat(stack.archive().relay()).isEmpty();
        assertThat(stack.archive().pendingEvents()).isEqualTo(before + 1);
    }
}
