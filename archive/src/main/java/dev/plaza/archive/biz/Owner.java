package dev.plaza.archive.biz;

/** An uploader's public profile as the account system reports it. */
public record Owner(long mid, String name, String face) {
    /** How an owner the account system does not know (or could not be asked about) is shown: no name, no face. */
    public static Owner unknown(long mid) {
        return new Owner(mid, "", "");
    }
}
