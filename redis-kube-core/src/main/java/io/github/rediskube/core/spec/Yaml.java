package io.github.rediskube.core.spec;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** YAML output through fabric8's serializer. */
final class Yaml {

    private Yaml() {
    }

    static String toYaml(List<HasMetadata> objects) {
        StringBuilder yaml = new StringBuilder();
        for (HasMetadata object : objects) {
            yaml.append(document(object));
        }
        return yaml.toString();
    }

    static List<Path> write(List<HasMetadata> objects, Path directory) throws IOException {
        Files.createDirectories(directory);
        List<Path> files = new ArrayList<>();
        int index = 1;
        for (HasMetadata object : objects) {
            String file = String.format(Locale.ROOT, "%02d-%s-%s.yaml", index++, object.getMetadata().getName(),
                    object.getKind().toLowerCase(Locale.ROOT));
            Path path = directory.resolve(file);
            Files.writeString(path, document(object), StandardCharsets.UTF_8);
            files.add(path);
        }
        return List.copyOf(files);
    }

    private static String document(HasMetadata object) {
        String yaml = Serialization.asYaml(object);
        String body = yaml.startsWith("---") ? yaml : "---\n" + yaml;
        return body.endsWith("\n") ? body : body + "\n";
    }
}
