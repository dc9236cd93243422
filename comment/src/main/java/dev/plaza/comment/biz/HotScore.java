package dev.plaza.comment.biz;

/**
 * The "hot" order: how sure we are that readers approve of a comment (the Wilson lower bound of likes and replies
 * against dislikes, so 5 of 5 does not beat 480 of 500), weighted by volume and decayed with age so that a thread
 * does not keep yesterday's top comments forever.
 */
public final class HotScore {
    private static final double Z = 1.96;
    private static final double HALF_LIFE_HOURS = 24;

    private HotScore() {
    }

    public static double wilsonLowerBound(long positive, long negative) {
        long n = positive + negative;
        if (n <= 0) {
            return 0;
        }
        double phat = (double) positive / n;
        double z2 = Z * Z;
        return (phat + z2 / (2 * n) - Z * Math.sqrt((phat * (1 - phat) + z2 / (4 * n)) / n)) / (1 + z2 / n);
    }

    /**
     * @param ageMillis how old the comment is at scoring time
     */
    public static double score(int likes, int replies, int hates, long ageMillis) {
        long positive = (long) likes + replies;
        double confidence = wilsonLowerBound(positive, hates);
        double volume = Math.log10(2 + positive);
        double ageHours = Math.max(0, ageMillis) / 3_600_000.0;
        double decay = Math.pow(0.5, ageHours / HALF_LIFE_HOURS);
        return confidence * volume * decay;
    }
}
