package dev.plaza.im.logic.biz;

import java.util.regex.Pattern;

/**
 * Room ids: {@code type://id}, as goim names them ({@code live://1000} is Bilibili live room 1000). The shape is
 * checked where rooms enter the system (connect, push), so the job and the comets can use them as opaque strings.
 */
public final class Rooms {
    /** Longest room id accepted (type, separator and id). */
    public static final int MAX_LENGTH = 160;
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,32}://[A-Za-z0-9_.:@-]{1,120}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private Rooms() {
    }

    public static boolean isValid(String room) {
        return room != null && room.length() <= MAX_LENGTH && ROOM.matcher(room).matches();
    }

    /** {@code type://id}, or -400 naming {@code parameter} when the result is not a valid room. */
    public static String of(String type, String id, String parameter) {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw ImErrors.badParameter("type", "must be 1 to 32 letters, digits, '_' or '-'");
        }
        return require(type + "://" + (id == null ? "" : id), parameter);
    }

    /** The room unchanged, or -400 naming {@code parameter}. */
    public static String require(String room, String parameter) {
        if (!isValid(room)) {
            throw ImErrors.badParameter(parameter, "must look like type://id (for example live://1000)");
        }
        return room;
    }
}
