package dev.kvstore.cli;

import dev.kvstore.backend.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kvctl put KEY [VALUE]}: writes a value, from the argument or from stdin. */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = {"Set KEY to VALUE (UTF-8), or to the bytes of stdin when VALUE is absent.",
            "A value over the store's limit is refused before anything is written (exit status 4)."})
final class PutCommand extends StoreCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key (under --path-prefix).")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
            description = "The value; read from stdin (binary-safe) when absent.")
    String value;

    @Override
    int run(Backend backend, Io io) throws Exception {
        byte[] bytes = value != null ? value.getBytes(StandardCharsets.UTF_8)
                : readLimited(io.in(), key, backend.client().maxValueSize());
        backend.put(key, bytes);
        return ExitStatus.OK;
    }

    /**
     * Reads stdin up to the store's limit; one byte more means the value is too large, and nothing is
     * read further or written.
     */
    static byte[] readLimited(InputStream in, String key, long limit) throws IOException {
        int cap = (int) Math.min(limit + 1, Integer.MAX_VALUE - 16);
        byte[] bytes = in.readNBytes(cap);
        if (bytes.length > limit) {
            throw new dev.kvstore.KvStoreException("the value on stdin for key \"" + key
                    + "\" is over the store's limit of " + limit + " bytes; nothing was written");
        }
        return bytes;
    }
}
