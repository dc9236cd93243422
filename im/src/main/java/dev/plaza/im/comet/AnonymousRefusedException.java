package dev.plaza.im.comet;

/** The comet's own refusal of an anonymous viewer when {@link CometConfig#allowAnonymous} is off. */
final class AnonymousRefusedException extends AuthRefusedException {
    AnonymousRefusedException() {
        super("anonymous viewers are not allowed");
    }
}
