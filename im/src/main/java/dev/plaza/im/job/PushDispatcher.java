package dev.plaza.im.job;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.plaza.api.im.v1.BroadcastRequest;
import dev.plaza.api.im.v1.BroadcastRoomRequest;
import dev.plaza.api.im.v1.PushKeysRequest;
import dev.plaza.api.im.v1.PushMsg;
import dev.plaza.kit.mq.MqRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's work on the records of one partition (goim's job/push.go): key pushes go to their comet, room pushes
 * into the room batcher, broadcasts to every comet. It returns once every message was delivered or given up on, so
 * the consumer commits only what the comets got (at least once). Key pushes and broadcasts are sent in record order
 * on the calling thread; room batches are sent by the batcher meanwhile, each room in order.
 */
final class PushDispatcher {
    private static final Logger log = LoggerFactory.getLogger(PushDispatcher.class);

    private final CometDelivery comets;
    private final RoomBatcher rooms;
    private final Counter skipped;

    PushDispatcher(CometDelivery comets, RoomBatcher.Settings batching, MeterRegistry meters) {
        this.comets = comets;
        DistributionSummary batchSize = DistributionSummary.builder("im.job.room.batch.messages")
                .description("messages per BroadcastRoom call").register(meters);
        this.rooms = new RoomBatcher(batching, batch -> {
            batchSize.record(batch.bodies().size());
            comets.broadcastRoom(BroadcastRoomRequest.newBuilder().setRoom(batch.room()).setOp(batch.op())
                    .addAllBodies(batch.bodies().stream().map(ByteString::copyFrom).toList()).build());
        });
        this.skipped = Counter.builder("im.job.skipped")
                .description("push messages that could not be decoded or miss their target (skipped)")
                .register(meters);
    }

    /** The consumer's batch handler: throws only when stopping, so the same records come again later. */
    void handle(List<MqRecord> records) throws InterruptedException {
        List<CompletableFuture<Void>> roomsSent = new ArrayList<>();
        for (MqRecord r : records) {
            PushMsg m;
            try {
                m = PushMsg.parseFrom(r.value() == null ? new byte[0] : r.value());
            } catch (InvalidProtocolBufferException e) {
                skip(r, "not a PushMsg: " + e.getMessage());
                continue;
            }
            switch (m.getType()) {
                case KEYS -> {
                    if (m.getServer().isEmpty() || m.getKeysCount() == 0) {
                        skip(r, "a key push without server or keys");
                    } else {
                        comets.pushKeys(m.getServer(), PushKeysRequest.newBuilder().addAllKeys(m.getKeysList())
                                .setOp(m.getOp()).setBody(m.getBody()).build());
                    }
                }
                case ROOM -> {
                    if (m.getRoom().isEmpty()) {
                        skip(r, "a room push without a room");
                    } else {
                        roomsSent.add(rooms.add(m.getRoom(), m.getOp(), m.getBody().toByteArray()));
                    }
                }
                case BROADCAST -> comets.broadcast(BroadcastRequest.newBuilder().setOp(m.getOp())
                        .setBody(m.getBody()).setSpeed(m.getSpeed()).build());
                default -> skip(r, "unknown push type " + m.getTypeValue());
            }
        }
        for (CompletableFuture<Void> sent : roomsSent) {
            try {
                sent.get();
            } catch (ExecutionException e) {
                // the batch was not sent (the job is stopping): none of these records counts as done
                throw new InterruptedException("a room batch was not sent: " + e.getCause());
            }
        }
    }

    private void skip(MqRecord r, String why) {
        skipped.increment();
        log.warn("skipping {}: {}", r.position(), why);
    }

    /** Sends the room messages still waiting, then stops the batcher. */
    void close() {
        rooms.close();
    }
}
