package dev.plaza.comment.biz;

import java.util.OptionalLong;

/** Who owns the object a comment area hangs on; type 1 (video) asks the video catalog. */
public interface SubjectDirectory {
    /**
     * The owner's mid, or empty when the object does not exist (or its type is not one we host). Failures to reach
     * the owning system are thrown (a PlazaError -503/-504), not answered as "does not exist".
     */
    OptionalLong ownerOf(SubjectKey key);
}
