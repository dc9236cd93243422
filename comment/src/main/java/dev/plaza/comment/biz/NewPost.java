package dev.plaza.comment.biz;

/**
 * A comment someone wants to post. {@code root} and {@code parent} are 0 for a root comment; a reply names its root
 * and the comment it answers ({@code parent} 0 or equal to {@code root} answers the root itself).
 */
public record NewPost(SubjectKey key, long mid, String message, long root, long parent, String ip, String platform,
                      String device) {
}
