package dev.plaza.kit.hotkey;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Keys "k0".."k{n-1}" drawn with probability proportional to 1 / (rank + 1)^s: k0 is the most frequent. */
final class ZipfStream {
    private final double[] cdf;
    private final SplittableRandom random;

    ZipfStream(int keys, double s, long seed) {
        this.cdf = new double[keys];
        double sum = 0;
        for (int i = 0; i < keys; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < keys; i++) {
            cdf[i] /= sum;
        }
        this.random = new SplittableRandom(seed);
    }

    int nextRank() {
        int i = Arrays.binarySearch(cdf, random.nextDouble());
        return Math.min(i >= 0 ? i : -i - 1, cdf.length - 1);
    }

    String[] take(int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = "k" + nextRank();
        }
        return out;
    }
}
