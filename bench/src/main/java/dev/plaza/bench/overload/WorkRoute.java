package dev.plaza.bench.overload;

import dev.plaza.kit.db.Database;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code GET /work}: admission (peers only), then ~1 ms of CPU and one MariaDB range read. */
final class WorkRoute {
    private final CpuBurn burn;
    private final Database db;
    private final Admission admission;
    private final AtomicInteger running = new AtomicInteger();

    WorkRoute(CpuBurn burn, Database db, Admission admission) {
        this.burn = burn;
        this.db = db;
        this.admission = admission;
    }

    Object handle() {
        Admission.Ticket ticket = admission.enter(); // throws the -503 refusal
        boolean ok = false;
        running.incrementAndGet();
        try {
            int h = burn.burn();
            long sum = WorkTable.read(db);
            ok = true;
            return Map.of("h", h, "sum", sum);
        } finally {
            running.decrementAndGet();
            ticket.exit(ok);
        }
    }

    /** Requests inside the work right now (admitted and not done). */
    int running() {
        return running.get();
    }
}
