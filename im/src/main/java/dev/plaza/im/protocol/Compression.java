package dev.plaza.im.protocol;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** The two body compressions of Bilibili live: zlib (version 2) and brotli (version 3). */
public final class Compression {
    public static final int VER_ZLIB = 2;
    public static final int VER_BROTLI = 3;
    private static final Encoder.Parameters BROTLI = new Encoder.Parameters().setQuality(4);

    static {
        Brotli4jLoader.ensureAvailability();
    }

    private Compression() {
    }

    public static byte[] zlib(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2));
            byte[] buf = new byte[8192];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    public static byte[] unzlib(byte[] data) {
        Inflater i = new Inflater();
        try {
            i.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 4);
            byte[] buf = new byte[8192];
            while (!i.finished()) {
                int n = i.inflate(buf);
                if (n == 0 && (i.needsInput() || i.needsDictionary())) {
                    throw new ProtocolException("truncated zlib body");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new ProtocolException("bad zlib body: " + e.getMessage());
        } finally {
            i.end();
        }
    }

    public static byte[] brotli(byte[] data) {
        try {
            return Encoder.compress(data, BROTLI);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] unbrotli(byte[] data) {
        try {
            DirectDecompress r = Decoder.decompress(data);
            if (r.getResultStatus() != DecoderJNI.Status.DONE) {
                throw new ProtocolException("bad brotli body: " + r.getResultStatus());
            }
            return r.getDecompressedData();
        } catch (IOException e) {
            throw new ProtocolException("bad brotli body: " + e.getMessage());
        }
    }
}
