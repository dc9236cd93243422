package dev.plaza.bench.overload;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.EntryType;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.Tracer;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.system.SystemRule;
import com.alibaba.csp.sentinel.slots.system.SystemRuleManager;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Alibaba Sentinel's system adaptive protection ({@code SystemRule}), which only guards inbound entries
 * ({@link EntryType#IN}). Configured the way its documentation suggests for CPU-bound services:
 * {@code highestCpuUsage} (0..1, Sentinel samples the process/system CPU once a second) at the same 80% line as the
 * kit's BBR default, plus {@code highestSystemLoad} at cores x 2.5 (its "load adaptive" rule, which, once load1 is
 * over the line, only refuses when threads in flight exceed maxSuccessQps x minRt, the same Little's-law estimate as
 * BBR). Note that Sentinel's CPU rule alone refuses <em>every</em> entry while the CPU is above the line: no
 * in-flight check, which is the main difference from BBR. Mode {@code sentinel:load} leaves the CPU line unset
 * (a negative value is Sentinel's "not set") to show the load-adaptive part alone.
 */
final class SentinelAdmission implements Admission {
    private static final String RESOURCE = "work";
    private final LongAdder blocked = new LongAdder();

    SentinelAdmission(double highestCpuUsage, double highestSystemLoad) {
        SystemRule rule = new SystemRule();
        rule.setHighestCpuUsage(highestCpuUsage);
        rule.setHighestSystemLoad(highestSystemLoad);
        SystemRuleManager.loadRules(List.of(rule));
    }

    @Override
    public Ticket enter() {
        Entry entry;
        try {
            entry = SphU.entry(RESOURCE, EntryType.IN);
        } catch (BlockException e) {
            blocked.increment();
            throw REFUSED;
        }
        return ok -> {
            if (!ok) {
                Tracer.trace(new IllegalStateException("work failed")); // counts as an exception in its stats
            }
            entry.exit();
        };
    }

    @Override
    public String state() {
        return String.format("sentinelCpu=%.2f load1=%.2f blocked=%d", SystemRuleManager.getCurrentCpuUsage(),
                SystemRuleManager.getCurrentSystemAvgLoad(), blocked.sum());
    }
}
