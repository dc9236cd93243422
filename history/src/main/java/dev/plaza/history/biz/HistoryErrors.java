package dev.plaza.history.biz;

import dev.plaza.kit.errors.PlazaError;

/** The history system's errors, in Bilibili's codes. */
public final class HistoryErrors {
    private HistoryErrors() {
    }

    public static PlazaError badParameter(String name, String why) {
        return PlazaError.badRequest("BAD_PARAMETER", "parameter '" + name + "' " + why)
                .withMetadata("parameter", name);
    }

    public static PlazaError notLoggedIn() {
        return PlazaError.notLoggedIn("history needs a logged-in user");
    }

    /** Reports are coming in faster than they can be handed to the job: refuse fast, the player retries. */
    public static PlazaError overloaded() {
        return PlazaError.overloaded("HISTORY_BACKLOG", "too many history reports pending; try again shortly");
    }
}
