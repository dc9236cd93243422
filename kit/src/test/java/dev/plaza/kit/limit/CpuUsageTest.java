package dev.plaza.kit.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuUsageTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path root; // a fake /sys/fs/cgroup

    private final AtomicLong clock = new AtomicLong(5_000 * MS);

    private void write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static String cpuStat(long usageUsec) {
        return "usage_usec " + usageUsec + "\nuser_usec " + usageUsec / 2 + "\nsystem_usec " + usageUsec / 2
                + "\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n";
    }

    @Test
    void cgroupV2AgainstTheQuota() throws IOException {
        write("cgroup.controllers", "cpuset cpu io memory pids\n");
        write("cpu.stat", cpuStat(1_000_000));
        write("cpu.max", "50000 100000\n"); // half a core
        CpuProbe probe = CgroupCpuProbe.detect(root, "0::/\n", 4, clock::get);
        assertThat(probe).isNotNull();
        assertThat(probe.describe()).contains("v2");

        assertThat(probe.sample()).as("nothing to compare the first reading with").isEmpty();

        clock.addAndGet(500 * MS);
        write("cpu.stat", cpuStat(1_000_000 + 125_000)); // 125 ms of CPU in 500 ms on 0.5 core
        assertThat(probe.sample()).hasValue(500);

        clock.addAndGet(500 * MS);
        write("cpu.stat", cpuStat(1_125_000 + 300_000)); // more than the quota over a short burst
        assertThat(probe.sample()).hasValue(1200);
    }

    @Test
    void cgroupV2WithoutQuotaDividesByTheProcessors() throws IOException {
        write("cgroup.controllers", "cpu\n");
        write("cpu.stat", cpuStat(0));
        write("cpu.max", "max 100000\n");
        CpuProbe probe = CgroupCpuProbe.detect(root, "0::/\n", 2, clock::get);
        probe.sample();

        clock.addAndGet(500 * MS);
        write("cpu.stat", cpuStat(250_000)); // 250 ms in 500 ms on 2 cores: a quarter
        assertThat(probe.sample()).hasValue(250);

        Files.delete(root.resolve("cpu.max")); // the cpu controller not enabled for our group
        clock.addAndGet(500 * MS);
        write("cpu.stat", cpuStat(750_000));
        assertThat(probe.sample()).hasValue(500);
    }

    @Test
    void cgroupV2FindsOwnGroupWhenTheMountShowsTheWholeTree() throws IOException {
        write("cgroup.controllers", "cpu\n");
        write("cpu.stat", cpuStat(999_000_000)); // the host's root: not us
        write("system.slice/plaza.service/cpu.stat", cpuStat(0));
        write("system.slice/plaza.service/cpu.max", "100000 100000\n");
        CpuProbe probe = CgroupCpuProbe.detect(root, "0::/system.slice/plaza.service\n", 8, clock::get);
        probe.sample();

        clock.addAndGet(1_000 * MS);
        write("system.slice/plaza.service/cpu.stat", cpuStat(400_000));
        assertThat(probe.sample()).hasValue(400);
    }

    @Test
    void cgroupV1UsageAndCfsQuota() throws IOException {
        write("cpuacct/cpuacct.usage", "10000000000\n"); // ns
        write("cpu/cpu.cfs_quota_us", "150000\n");
        write("cpu/cpu.cfs_period_us", "100000\n"); // 1.5 cores
        String self = "12:memory:/docker/abc\n4:cpuacct:/docker/abc\n3:cpu:/docker/abc\n0::/\n";
        CpuProbe probe = CgroupCpuProbe.detect(root, self, 4, clock::get); // /docker/abc exists only on the host
        assertThat(probe.describe()).contains("v1");
        probe.sample();

        clock.addAndGet(500 * MS);
        write("cpuacct/cpuacct.usage", Long.toString(10_000_000_000L + 375 * MS));
        assertThat(probe.sample()).hasValue(500); // 375 ms / (500 ms x 1.5)

        write("cpu/cpu.cfs_quota_us", "-1\n"); // no quota: the 4 processors
        clock.addAndGet(500 * MS);
        write("cpuacct/cpuacct.usage", Long.toString(10_000_000_000L + 375 * MS + 1000 * MS));
        assertThat(probe.sample()).hasValue(500);
    }

    @Test
    void cgroupV1CombinedMountAndQuotaAboveTheProcessors() throws IOException {
        write("cpu,cpuacct/cpuacct.usage", "0");
        write("cpu,cpuacct/cpu.cfs_quota_us", "800000");
        write("cpu,cpuacct/cpu.cfs_period_us", "100000"); // 8 cores of quota, but only 2 to run on
        CpuProbe probe = CgroupCpuProbe.detect(root, "", 2, clock::get);
        probe.sample();

        clock.addAndGet(100 * MS);
        write("cpu,cpuacct/cpuacct.usage", Long.toString(100 * MS));
        assertThat(probe.sample()).hasValue(500);
    }

    @Test
    void hybridHostWithEmptyUnifiedTreeUsesV1() throws IOException {
        write("unified/cgroup.controllers", ""); // what this build machine has: v1 controllers, v2 for systemd only
        write("cpuacct/cpuacct.usage", "0");
        assertThat(CgroupCpuProbe.detect(root, "", 2, clock::get).describe()).contains("v1");
    }

    @Test
    void noCgroupAtAll() {
        assertThat(CgroupCpuProbe.detect(root, "", 2, clock::get)).isNull();
    }

    @Test
    void aCounterResetOrAGarbledFileSkipsOneSample() throws IOException {
        write("cpuacct/cpuacct.usage", "5000000000");
        CpuProbe probe = CgroupCpuProbe.detect(root, "", 1, clock::get);
        probe.sample();
        clock.addAndGet(500 * MS);
        write("cpuacct/cpuacct.usage", "1000");
        assertThat(probe.sample()).isEmpty();
        clock.addAndGet(500 * MS);
        write("cpuacct/cpuacct.usage", "not a number");
        assertThat(probe.sample()).isEmpty();
        clock.addAndGet(500 * MS);
        write("cpuacct/cpuacct.usage", Long.toString(1000 + 250 * MS));
        assertThat(probe.sample()).as("compared with the last good reading").hasValue(250);
    }

    @Test
    void aHierarchyRootIsTheWholeMachineAContainersGroupIsNot() throws IOException {
        write("cpuacct/cpuacct.usage", "0");
        write("cpuacct/release_agent", ""); // only a v1 hierarchy's root has it: this build machine's case
        assertThat(CgroupCpuProbe.detect(root, "2:cpuacct:/\n", 2, clock::get).wholeMachine()).isTrue();

        write("cpuacct/docker/abc/cpuacct.usage", "0");
        assertThat(CgroupCpuProbe.detect(root, "2:cpuacct:/docker/abc\n", 2, clock::get).wholeMachine()).isFalse();
    }

    @Test
    void aV2RootHasNeitherCgroupTypeNorCpuMax() throws IOException {
        write("cgroup.controllers", "cpu\n");
        write("cpu.stat", cpuStat(0));
        assertThat(CgroupCpuProbe.detect(root, "0::/\n", 2, clock::get).wholeMachine()).isTrue();

        write("cgroup.type", "domain\n"); // a container's own group seen through its cgroup namespace
        write("cpu.max", "max 100000\n");
        assertThat(CgroupCpuProbe.detect(root, "0::/\n", 2, clock::get).wholeMachine()).isFalse();
    }

    @Test
    void theWholeMachinesCgroupGivesWayToTheProcessShare() throws IOException {
        CpuProbe share = new Scripted();
        write("cpuacct/cpuacct.usage", "0");
        write("cpuacct/release_agent", "");
        CgroupCpuProbe rootGroup = CgroupCpuProbe.detect(root, "", 2, clock::get);
        assertThat(CpuUsage.choose(rootGroup, () -> share)).isSameAs(share);
        assertThat(CpuUsage.choose(rootGroup, () -> null)).as("no share readable: the root still").isSameAs(rootGroup);
        assertThat(CpuUsage.choose(null, () -> share)).isSameAs(share);

        Files.delete(root.resolve("cpuacct/release_agent"));
        CgroupCpuProbe container = CgroupCpuProbe.detect(root, "", 2, clock::get);
        assertThat(CpuUsage.choose(container, () -> share)).isSameAs(container);
    }

    private static String procStat(long user, long system, long idle, long iowait) {
        return "cpu  " + user + " 0 " + system + " " + idle + " " + iowait + " 0 0 0 0 0\n"
                + "cpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\nintr 12345 0 0\nctxt 99\n";
    }

    @Test
    void processShareIsOwnCpuOverOwnPlusIdle() {
        AtomicLong processNanos = new AtomicLong(7_000 * MS);
        String[] stat = {procStat(1000, 500, 8000, 100)};
        ProcessShareCpuProbe probe = new ProcessShareCpuProbe(processNanos::get, () -> stat[0], clock::get, 2);
        assertThat(probe.describe()).contains("share");
        assertThat(probe.sample()).as("nothing to compare the first reading with").isEmpty();

        // 500 ms on a 2-CPU machine = 100 ticks; half of them idle (1 core); we used 250 ms (half a core)
        clock.addAndGet(500 * MS);
        processNanos.addAndGet(250 * MS);
        stat[0] = procStat(1040, 510, 8045, 105);
        assertThat(probe.sample()).hasValue(333); // 0.5 / (0.5 + 1.0)

        // the machine saturated, a third of it by us: nothing idle left that we could take
        clock.addAndGet(500 * MS);
        processNanos.addAndGet(333 * MS);
        stat[0] = procStat(1130, 520, 8045, 105);
        assertThat(probe.sample()).hasValue(1000);

        // idle: we used nothing
        clock.addAndGet(500 * MS);
        stat[0] = procStat(1130, 520, 8145, 105);
        assertThat(probe.sample()).hasValue(0);
    }

    @Test
    void processShareIsCappedByTheProcessorsTheJvmMayUse() {
        AtomicLong processNanos = new AtomicLong();
        String[] stat = {procStat(0, 0, 0, 0)};
        ProcessShareCpuProbe probe = new ProcessShareCpuProbe(processNanos::get, () -> stat[0], clock::get, 1);
        probe.sample();
        clock.addAndGet(1000 * MS);
        processNanos.addAndGet(500 * MS); // half a core, on a machine with 2 CPUs of which 1.5 idle: 1 CPU for us
        stat[0] = procStat(50, 0, 150, 0);
        assertThat(probe.sample()).hasValue(500);
    }

    @Test
    void processShareSkipsASampleWhenACounterGoesBackOrTheFileIsGarbled() {
        AtomicLong processNanos = new AtomicLong(1000 * MS);
        String[] stat = {procStat(100, 0, 100, 0)};
        ProcessShareCpuProbe probe = new ProcessShareCpuProbe(processNanos::get, () -> stat[0], clock::get, 2);
        probe.sample();
        clock.addAndGet(500 * MS);
        stat[0] = "garbage";
        assertThat(probe.sample()).isEmpty();
        clock.addAndGet(500 * MS);
        processNanos.set(10 * MS);
        stat[0] = procStat(200, 0, 200, 0);
        assertThat(probe.sample()).isEmpty();
        clock.addAndGet(500 * MS);
        processNanos.addAndGet(250 * MS);
        stat[0] = procStat(275, 0, 225, 0); // a quarter of 2 CPUs idle: half a core
        assertThat(probe.sample()).as("compared with the last good reading").hasValue(500); // 0.5 / (0.5 + 0.5)
        assertThatThrownBy(() -> ProcessShareCpuProbe.parse("intr 1 2 3\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsers() {
        assertThat(CgroupCpuProbe.parseV2UsageNanos("usage_usec 42\nuser_usec 40\n")).isEqualTo(42_000);
        assertThat(CgroupCpuProbe.parseV2QuotaCores("max 100000")).isZero();
        assertThat(CgroupCpuProbe.parseV2QuotaCores("200000 100000\n")).isEqualTo(2.0);
        assertThat(CgroupCpuProbe.parseV2QuotaCores("25000")).isEqualTo(0.25);
        assertThat(CgroupCpuProbe.parseV1UsageNanos("123456789\n")).isEqualTo(123_456_789);
        assertThat(CgroupCpuProbe.parseV1QuotaCores("-1", "100000")).isZero();
        assertThat(CgroupCpuProbe.parseV1QuotaCores("50000\n", "100000\n")).isEqualTo(0.5);
        assertThat(CgroupCpuProbe.cgroupPath("2:cpu,cpuacct:/a\n0::/b\n", "cpuacct")).isEqualTo("/a");
        assertThat(CgroupCpuProbe.cgroupPath("2:cpu,cpuacct:/a\n0::/b\n", null)).isEqualTo("/b");
        assertThat(CgroupCpuProbe.cgroupPath("", "cpu")).isNull();
    }

    /** A probe that answers what the test queued; empty when the queue is. */
    private static final class Scripted implements CpuProbe {
        private final Deque<OptionalInt> samples = new ArrayDeque<>();

        Scripted then(int... values) {
            for (int v : values) {
                samples.add(OptionalInt.of(v));
            }
            return this;
        }

        Scripted nothing() {
            samples.add(OptionalInt.empty());
            return this;
        }

        @Override
        public synchronized OptionalInt sample() {
            OptionalInt next = samples.poll();
            return next == null ? OptionalInt.empty() : next;
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }

    @Test
    void movingAverageWithDecay095() {
        Scripted probe = new Scripted().then(1000, 1000).nothing().then(0, 1500, -20);
        CpuUsage usage = new CpuUsage(probe, Duration.ofMillis(500));
        assertThat(usage.cpu()).isZero();

        usage.tick();
        assertThat(usage.cpu()).isEqualTo(50); // 0 * 0.95 + 1000 * 0.05
        usage.tick();
        assertThat(usage.cpu()).isEqualTo(98); // 50 * 0.95 + 50 = 97.5
        usage.tick();
        assertThat(usage.cpu()).as("no sample: unchanged").isEqualTo(98);
        usage.tick();
        assertThat(usage.cpu()).isEqualTo(93); // 97.5 * 0.95 = 92.6
        usage.tick();
        assertThat(usage.cpu()).as("1500 counts as 1000").isEqualTo(138); // 92.625 * 0.95 + 50 = 137.99
        usage.tick();
        assertThat(usage.cpu()).as("negative counts as 0").isEqualTo(131);
    }

    @Test
    void sustainedFullLoadCrossesTheDefaultThresholdAfterAbout16Seconds() {
        Scripted probe = new Scripted();
        CpuUsage usage = new CpuUsage(probe, Duration.ofMillis(500));
        int ticks = 0;
        while (usage.cpu() < BbrLimiter.DEFAULT_CPU_THRESHOLD) {
            probe.then(1000);
            usage.tick();
            ticks++;
        }
        assertThat(ticks).isEqualTo(32); // 1 - 0.95^n >= 0.8: the lag that keeps JIT warm-up and GC from shedding
    }

    @Test
    void samplesOnItsOwnThreadUntilClosed() {
        Scripted probe = new Scripted().then(1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000);
        try (CpuUsage usage = new CpuUsage(probe, Duration.ofMillis(5))) {
            usage.start();
            usage.start(); // idempotent
            await().atMost(Duration.ofSeconds(5)).until(() -> usage.cpu() >= 300);
        }
        // nothing else to check: the thread is a daemon and close() shut its executor down
    }

    @Test
    void detectWorksOnThisMachine() {
        try (CpuUsage usage = CpuUsage.detect()) {
            assertThat(usage.toString()).contains("CpuUsage[");
            assertThat(usage.cpu()).isBetween(0, 1000);
        }
    }
}
