package dev.plaza.kit.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.plaza.kit.errors.PlazaError;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bilibili's response envelope: {@code {"code":0,"message":"0","ttl":1,"data":...}}. Errors carry the code and the
 * message, and no data unless the route chose to send some with {@link Reply}.
 */
public final class Envelope {
    private final ObjectMapper mapper;

    public Envelope(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The edge's mapper. Its buffers come from a shared pool: Jackson's default pool is per thread, and every request
     * runs on a new virtual thread, so each answer would allocate (and grow) fresh buffers.
     */
    public static ObjectMapper defaultMapper() {
        JsonFactory json = JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
        return new ObjectMapper(json)
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public byte[] ok(Object data) {
        if (data instanceof Reply r) {
            return write(r.code(), r.message(), r.data());
        }
        return write(0, "0", data);
    }

    public byte[] error(PlazaError e) {
        return write(e.code(), e.getMessage() == null ? e.reason() : e.getMessage(), null);
    }

    public byte[] write(int code, String message, Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        body.put("ttl", 1);
        if (data != null) {
            body.put("data", data);
        }
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw PlazaError.internal("response not serializable", e);
        }
    }

    /**
     * HTTP status for an envelope code. Like Bilibili, caller errors answer 200 and the code says what went wrong;
     * server-side failures also set 500/503/504 so that proxies and load balancers see them.
     */
    public static int httpStatus(int code) {
        return switch (code) {
            case -500 -> 500;
            case -503 -> 503;
            case -504 -> 504;
            default -> 200;
        };
    }
}
