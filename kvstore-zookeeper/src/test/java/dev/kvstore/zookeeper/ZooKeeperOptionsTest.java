package dev.kvstore.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ZooKeeperOptionsTest {

    @Test
    @DisplayName("the README's option table names exactly the ZooKeeperOptions constants")
    void readmeTableMatchesConstants() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Options"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        Set<String> documented = new TreeSet<>();
        Pattern firstColumn = Pattern.compile("^\\| ([^|]+) \\|", Pattern.MULTILINE);
        Pattern name = Pattern.compile("`([a-z-]+)`");
        Matcher rows = firstColumn.matcher(section);
        while (rows.find()) {
            Matcher names = name.matcher(rows.group(1));
            while (names.find()) {
                documented.add(names.group(1));
            }
        }
        assertThat(documented).isEqualTo(new TreeSet<>(ZooKeeperOptions.ALL));
    }

    @Test
    @DisplayName("every option name is kebab-case, and no old name is still accepted")
    void kebabCase() {
        assertThat(ZooKeeperOptions.ALL).allMatch(n -> n.matches("[a-z]+(-[a-z]+)*"));
        assertThat(ZooKeeperOptions.RENAMED.keySet()).doesNotContainAnyElementsOf(ZooKeeperOptions.ALL);
    }
}
