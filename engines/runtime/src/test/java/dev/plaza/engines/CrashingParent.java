package dev.plaza.engines;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

/** A parent process for {@link CrashRecoveryIT}: starts engines, writes a row, reports the pids, waits to be killed. */
public final class CrashingParent {
    private CrashingParent() {
    }

    public static void main(String[] args) throws Exception {
        Engines engines = Engines.start(Path.of(args[0]),
                EnumSet.of(EngineKind.MARIADB, EngineKind.REDIS, EngineKind.ZOOKEEPER));
        Endpoints e = engines.endpoints();
        e.createDatabase("lifecycle");
        LifecycleIT.sql(e, "CREATE TABLE crash (id INT PRIMARY KEY)", "INSERT INTO crash VALUES (42)");
        Map<EngineKind, Long> pids = engines.pids();
        System.out.println("READY " + pids.get(EngineKind.MARIADB) + " " + pids.get(EngineKind.REDIS) + " "
                + pids.get(EngineKind.ZOOKEEPER));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
