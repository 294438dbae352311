package io.github.rediskube.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every README code block marked {@code <!-- snippet: path#tag -->} is the region between
 * {@code // tag::tag[]} and {@code // end::tag[]} of that compiled file, indentation removed.
 */
class ReadmeSnippetsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern SNIPPET =
            Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\n```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyReadmeSnippetIsTheCompiledCode() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        Matcher matcher = SNIPPET.matcher(readme);
        List<String> checked = new ArrayList<>();
        while (matcher.find()) {
            String source = Files.readString(ROOT.resolve(matcher.group(1)), StandardCharsets.UTF_8);
            assertThat(matcher.group(3)).as("README snippet " + matcher.group(1) + "#" + matcher.group(2))
                    .isEqualTo(region(source, matcher.group(2)));
            checked.add(matcher.group(2));
        }
        assertThat(checked).as("snippets found in README.md").hasSizeGreaterThanOrEqualTo(7);
    }

    /** The lines between the tag markers, with their common indentation removed. */
    static String region(String source, String tag) {
        List<String> lines = source.lines().toList();
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("// tag::" + tag + "[]")) {
                start = i + 1;
            } else if (lines.get(i).trim().equals("// end::" + tag + "[]")) {
                end = i;
            }
        }
        if (start < 0 || end < start) {
            throw new AssertionError("no region " + tag + " in the source");
        }
        List<String> region = lines.subList(start, end);
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder text = new StringBuilder();
        for (String line : region) {
            text.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return text.toString();
    }
}
