package io.github.rediskube.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** YAML output through fabric8's serializer. */
final class Yaml {

    /** {@code rw-------}: files that hold a password. */
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

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
            if (object instanceof Secret) {
                writeOwnerOnly(path, document(object));
            } else {
                Files.writeString(path, document(object), StandardCharsets.UTF_8);
            }
            files.add(path);
        }
        return List.copyOf(files);
    }

    /**
     * Writes a file that holds a secret readable and writable by its owner only: {@code rw-------} from its
     * creation where the file system has POSIX permissions (a file there before is restricted before it is
     * written), else through {@link java.io.File}'s owner-only flags.
     */
    private static void writeOwnerOnly(Path path, String content) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(path, OWNER_ONLY);
            } else {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
        } else {
            Files.deleteIfExists(path);
            File file = Files.createFile(path).toFile();
            boolean restricted = file.setReadable(false, false) & file.setReadable(true, true)
                    & file.setWritable(false, false) & file.setWritable(true, true);
            if (!restricted) {
                throw new IOException("cannot restrict " + path + " to its owner; it would hold a password."
                        + " Fix: write the manifests to a file system with owner-only permissions");
            }
        }
        Files.writeString(path, content, StandardCharsets.UTF_8);
    }

    private static String document(HasMetadata object) {
        String yaml = Serialization.asYaml(object);
        String body = yaml.startsWith("---") ? yaml : "---\n" + yaml;
        return body.endsWith("\n") ? body : body + "\n";
    }
}
