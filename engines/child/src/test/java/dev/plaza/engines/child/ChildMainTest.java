package dev.plaza.engines.child;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildMainTest {
    /** A stand-in engine: signals ready, then blocks forever on a non-daemon thread. */
    public static final class BlockingEngine {
        public static void main(String[] args) throws Exception {
            ChildSupport.signalReady("blocking engine " + String.join(",", args));
            ChildSupport.parkForever();
        }
    }

    public static final class FailingEngine {
        public static void main(String[] args) {
            throw new IllegalStateException("engine failed to start");
        }
    }

    private static Process child(Path ready, String main, String... args) throws Exception {
        var cmd = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dplaza.child.readyFile=" + ready, "-cp", System.getProperty("java.class.path"),
                ChildMain.class.getName(), main));
        cmd.addAll(java.util.List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void exitsWhenTheParentPipeCloses(@TempDir Path tmp) throws Exception {
        Path ready = tmp.resolve("ready");
        Process p = child(ready, BlockingEngine.class.getName(), "a", "b");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(ready) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Files.readString(ready)).isEqualTo("blocking engine a,b\n");
        assertThat(p.isAlive()).isTrue();

        p.getOutputStream().close(); // what the OS does when the parent dies
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("child exited after stdin EOF").isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(new String(p.getInputStream().readAllBytes())).contains("parent process is gone");
    }

    @Test
    void aFailingEngineEndsTheChildWithAnError(@TempDir Path tmp) throws Exception {
        Process p = child(tmp.resolve("ready"), FailingEngine.class.getName());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(new String(p.getInputStream().readAllBytes())).contains("engine failed to start");
        assertThat(tmp.resolve("ready")).doesNotExist();
    }
}
