package dev.plaza.history.biz;

/**
 * What one history record is about, {@code {business}_{id}} ({@code archive_170001}): together with the user's mid
 * the key of a record.
 *
 * @param id the object's id in its business (a video's aid, a live room's id...), positive
 */
public record Kid(Business business, long id) {
    public Kid {
        if (business == null) {
            throw new IllegalArgumentException("business is required");
        }
        if (id <= 0) {
            throw new IllegalArgumentException("id must be positive, was " + id);
        }
    }

    public static Kid archive(long aid) {
        return new Kid(Business.ARCHIVE, aid);
    }

    /**
     * Parses {@code business_id}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Kid parse(String kid) {
        int sep = kid == null ? -1 : kid.lastIndexOf('_');
        if (sep <= 0 || sep == kid.length() - 1) {
            throw new IllegalArgumentException("kid must look like archive_123, was '" + kid + "'");
        }
        Business b = Business.of(kid.substring(0, sep)).orElseThrow(() ->
                new IllegalArgumentException("unknown business in kid '" + kid + "'"));
        long id;
        try {
            id = Long.parseLong(kid.substring(sep + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kid must end in a number, was '" + kid + "'");
        }
        return new Kid(b, id);
    }

    @Override
    public String toString() {
        return business.code() + "_" + id;
    }
}
