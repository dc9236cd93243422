package dev.plaza.bench.overload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The bench's output: markdown tables (per mode and a summary) and the CSV of every step. */
final class OverloadReport {
    private OverloadReport() {
    }

    static String modeTable(ModeRun run) {
        StringBuilder sb = new StringBuilder();
        sb.append("#### ").append(run.mode().name()).append(" (load average before: ").append(run.loadBefore())
                .append(", after: ").append(run.loadAfter()).append(")\n\n");
        sb.append("| step | offered/s | goodput/s | rejected/s | errors/s | timeouts/s | p50 ms | p99 ms "
                + "| client lag p99 ms | server at end of step |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (int i = 0; i < run.steps().size(); i++) {
            StepResult s = run.steps().get(i);
            sb.append(String.format(Locale.ROOT, "| %.1f C | %.0f | %.0f | %.0f | %.0f | %.0f | %s | %s | %.1f | %s |%n",
                    run.multiples().get(i), s.offered(), s.goodput(), s.rejected(), s.errors(), s.timeouts(),
                    ms(s.p50()), ms(s.p99()), s.lagP99(), "`" + run.serverStats().get(i) + "`"));
        }
        return sb.toString();
    }

    static String summary(List<ModeRun> runs, double capacity) {
        StringBuilder sb = new StringBuilder();
        sb.append("| mode | peak goodput/s | goodput/s at top step | top / peak | top / C | unloaded p99 ms "
                + "| p99 ms at top step | p99 top / unloaded | targets (goodput >= 0.9 max(peak, C), p99 <= 2x) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (ModeRun r : runs) {
            sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.2f | %s | %s | %.1fx | %s |%n",
                    r.mode().name(), r.peakGoodput(), r.last().goodput(), r.goodputRetained(),
                    r.last().goodput() / capacity, ms(r.unloaded().p99()), ms(r.last().p99()), r.p99Growth(),
                    r.targetsMet(capacity) ? "met" : "not met"));
        }
        return sb.toString();
    }

    static void writeCsv(List<ModeRun> runs, Path file) throws IOException {
        StringBuilder sb = new StringBuilder("mode,multiple,offered,goodput,rejected,errors,timeouts,p50_ms,p99_ms,"
                + "client_lag_p99_ms\n");
        for (ModeRun r : runs) {
            for (int i = 0; i < r.steps().size(); i++) {
                StepResult s = r.steps().get(i);
                sb.append(String.format(Locale.ROOT, "%s,%.2f,%.1f,%.1f,%.1f,%.1f,%.1f,%.2f,%.2f,%.2f%n",
                        r.mode().name(), r.multiples().get(i), s.offered(), s.goodput(), s.rejected(), s.errors(),
                        s.timeouts(), s.p50(), s.p99(), s.lagP99()));
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, sb.toString());
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
