package dev.kvstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvstore.etcd.EtcdOptions;
import dev.kvstore.memory.MemoryOptions;
import dev.kvstore.redis.RedisOptions;
import dev.kvstore.zookeeper.ZooKeeperOptions;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's option table names exactly the options each store's {@code …Options} class declares. */
class OptionTableTest {

    private static final Map<Class<?>, List<String>> STORE_TYPES = Map.of(
            EtcdOptions.class, List.of("etcd"),
            RedisOptions.class, List.of("redis", "redis-sentinel"),
            ZooKeeperOptions.class, List.of("zookeeper"),
            MemoryOptions.class, List.of("memory"));

    @Test
    @DisplayName("every option constant is in the README's table, and nothing else is")
    void tableMatchesOptionClasses() throws IOException {
        List<String[]> rows = rows();
        assertThat(rows).isNotEmpty();
        for (Map.Entry<Class<?>, List<String>> e : STORE_TYPES.entrySet()) {
            Set<String> documented = new TreeSet<>();
            for (String[] row : rows) {
                for (String type : row[1].split(",")) {
                    if (e.getValue().contains(type.trim())) {
                        documented.add(row[0]);
                    }
                }
            }
            assertThat(documented)
                    .as("options of %s in the README", e.getValue())
                    .isEqualTo(constants(e.getKey()));
        }
    }

    /** The option names a class declares: its public static final String fields but the defaults. */
    private static Set<String> constants(Class<?> options) {
        Set<String> names = new TreeSet<>();
        for (Field f : options.getFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m)
                    && Modifier.isFinal(m)
                    && f.getType() == String.class
                    && !f.getName().startsWith("DEFAULT_")) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
        return names;
    }

    /** The table under "## Options": {option, storeTypes} per row. */
    private static List<String[]> rows() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        List<String[]> rows = new ArrayList<>();
        boolean inSection = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## Options");
            } else if (inSection && line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                rows.add(new String[] {cells[1].trim().replace("`", ""), cells[2].trim()});
            }
        }
        return rows;
    }
}
