package dev.plaza.bench.overload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Goodput against offered load, one line per mode, as a hand-written SVG (no charting library for one picture).
 * Two guides: the dashed diagonal where every offered request is served, and the dotted line at the measured
 * capacity C. A mode that holds its goodput flat at C past 1 C is shedding well; one that bends down is collapsing.
 */
final class GoodputChart {
    private static final String[] COLOURS = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    private static final int W = 760;
    private static final int H = 440;
    private static final int LEFT = 70;
    private static final int RIGHT = 170;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private GoodputChart() {
    }

    /**
     * Redraws the chart from the bench's CSV, e.g. after changing the drawing: {@code java -cp
     * bench/target/benchmarks.jar dev.plaza.bench.overload.GoodputChart docs/img/overload.csv <C> "<subtitle>"
     * docs/img/overload.svg}.
     */
    public static void main(String[] argv) throws IOException {
        if (argv.length != 4) {
            System.out.println("usage: GoodputChart <overload.csv> <capacity C> <subtitle> <out.svg>");
            return;
        }
        java.util.Map<String, List<StepResult>> byMode = new java.util.LinkedHashMap<>();
        java.util.Map<String, List<Double>> multiples = new java.util.LinkedHashMap<>();
        List<String> lines = Files.readAllLines(Path.of(argv[0]));
        for (String row : lines.subList(1, lines.size())) { // the first line is the header
            String[] f = row.split(",");
            double[] v = java.util.Arrays.stream(f, 1, f.length).mapToDouble(Double::parseDouble).toArray();
            byMode.computeIfAbsent(f[0], k -> new java.util.ArrayList<>())
                    .add(new StepResult(v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]));
            multiples.computeIfAbsent(f[0], k -> new java.util.ArrayList<>()).add(v[0]);
        }
        List<ModeRun> runs = byMode.entrySet().stream().map(e -> new ModeRun(Mode.parse(e.getKey()),
                multiples.get(e.getKey()), e.getValue(), List.of(), "", "")).toList();
        write(runs, Double.parseDouble(argv[1]), argv[2], Path.of(argv[3]));
    }

    static void write(List<ModeRun> runs, double capacity, String subtitle, Path file) throws IOException {
        double maxX = 0;
        double maxY = capacity;
        for (ModeRun r : runs) {
            for (StepResult s : r.steps()) {
                maxX = Math.max(maxX, s.offered());
                maxY = Math.max(maxY, s.goodput());
            }
        }
        maxX = niceCeil(maxX);
        maxY = niceCeil(maxY * 1.15);
        double plotW = W - LEFT - RIGHT;
        double plotH = H - TOP - BOTTOM;
        final double xMax = maxX;
        Scale sx = v -> LEFT + v / xMax * plotW;
        final double yMax = maxY;
        Scale sy = v -> TOP + plotH - v / yMax * plotH;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, H, W, H));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(LEFT, 20, "Goodput vs offered load, GET /work (" + subtitle + ")", "start", 14));
        // grid and ticks
        for (int i = 0; i <= 5; i++) {
            double xv = maxX * i / 5;
            double yv = maxY * i / 5;
            svg.append(line(sx.at(xv), TOP, sx.at(xv), TOP + plotH, "#eee", 1, ""));
            svg.append(line(LEFT, sy.at(yv), LEFT + plotW, sy.at(yv), "#eee", 1, ""));
            svg.append(text(sx.at(xv), TOP + plotH + 16, fmt(xv), "middle", 11));
            svg.append(text(LEFT - 6, sy.at(yv) + 4, fmt(yv), "end", 11));
        }
        svg.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "#333", 1, ""));
        svg.append(line(LEFT, TOP, LEFT, TOP + plotH, "#333", 1, ""));
        svg.append(text(LEFT + plotW / 2, H - 12, "offered, requests/s", "middle", 12));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 16 %.1f)\">goodput (code 0), requests/s</text>%n", TOP + plotH / 2,
                TOP + plotH / 2));
        // guides
        double diag = Math.min(maxX, maxY);
        svg.append(line(sx.at(0), sy.at(0), sx.at(diag), sy.at(diag), "#999", 1, "6 4"));
        svg.append(line(LEFT, sy.at(capacity), LEFT + plotW, sy.at(capacity), "#999", 1, "2 3"));
        svg.append(text(LEFT + plotW - 4, sy.at(capacity) - 5, String.format(Locale.ROOT, "C = %.0f/s", capacity),
                "end", 11));
        // one line per mode
        for (int m = 0; m < runs.size(); m++) {
            ModeRun r = runs.get(m);
            String colour = COLOURS[m % COLOURS.length];
            StringBuilder pts = new StringBuilder();
            for (StepResult s : r.steps()) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx.at(s.offered()), sy.at(s.goodput())));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                    + "points=\"%s\"/>%n", colour, pts.toString().trim()));
            for (StepResult s : r.steps()) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>%n",
                        sx.at(s.offered()), sy.at(s.goodput()), colour));
            }
            double ly = TOP + 10 + m * 20;
            svg.append(line(W - RIGHT + 15, ly, W - RIGHT + 40, ly, colour, 2, ""));
            svg.append(text(W - RIGHT + 46, ly + 4, r.mode().name(), "start", 12));
        }
        double ly = TOP + 10 + runs.size() * 20;
        svg.append(line(W - RIGHT + 15, ly, W - RIGHT + 40, ly, "#999", 1, "6 4"));
        svg.append(text(W - RIGHT + 46, ly + 4, "all served", "start", 11));
        svg.append("</svg>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, svg.toString());
    }

    @FunctionalInterface
    private interface Scale {
        double at(double v);
    }

    /** A round number (1, 1.5, 2, ... 8 times a power of ten) at least {@code v}: the axis end. */
    private static double niceCeil(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double f : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (f * p >= v) {
                return f * p;
            }
        }
        return 10 * p;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String line(double x1, double y1, double x2, double y2, String colour, double width, String dash) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-width=\"%.1f\"%s/>%n", x1, y1, x2, y2, colour, width,
                dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"");
    }

    private static String text(double x, double y, String s, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, s.replace("&", "&amp;").replace("<", "&lt;"));
    }
}
