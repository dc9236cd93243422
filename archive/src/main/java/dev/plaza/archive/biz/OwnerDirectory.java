package dev.plaza.archive.biz;

import java.util.Collection;
import java.util.Map;

/** Uploaders' public profiles, owned by the account system. */
public interface OwnerDirectory {
    /**
     * The profiles of the given mids that are known; unknown mids are left out. Implementations answer an empty map
     * rather than fail when the account system cannot be reached, so a video never fails to render for its owner.
     */
    Map<Long, Owner> owners(Collection<Long> mids);
}
