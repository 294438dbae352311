package io.github.rediskube.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Secret volume of one pod, written as the kubelet writes it (its {@code AtomicWriter}): each version in a
 * directory of its own, {@code ..data} a symlink to the current one, swapped by a rename, and each file a
 * symlink through {@code ..data}. A script reading the file sees the old value or the new one, never a mix.
 * The kubelet refreshes a running pod's volume some time after the Secret changed; a test calls
 * {@link #write} when it plays that refresh.
 */
public final class SecretVolume {

    private static final AtomicLong VERSIONS = new AtomicLong();

    private final Path dir;
    private final Integer group;

    private SecretVolume(Path dir, Integer group) {
        this.dir = dir;
        this.group = group;
    }

    /**
     * @param dir   the volume's directory (created)
     * @param group the gid its files belong to (the pod's fsGroup; needs root), or {@code null} to keep the
     *              writer's
     * @return an empty volume
     */
    public static SecretVolume create(Path dir, Integer group) {
        try {
            Files.createDirectories(dir);
            return new SecretVolume(dir, group);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** @return the volume's directory, what a container mounts */
    public Path dir() {
        return dir;
    }

    /** @return the path of a file of the volume, as a script reads it */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /**
     * Replaces one file's content atomically, keeping the volume's other files, mode 0440 (owner and group
     * read, as {@code defaultMode: 0440}).
     *
     * @param name  the file (the Secret volume's item path)
     * @param value the Secret's value, bytes as stored (UTF-8)
     * @return this volume
     */
    public SecretVolume write(String name, String value) {
        Map<String, String> files = new TreeMap<>(current());
        files.put(name, value);
        return write(files);
    }

    /**
     * Replaces the volume's files with these, in one atomic swap (a new version directory, then {@code ..data}).
     *
     * @param files file name to content (UTF-8)
     * @return this volume
     */
    public SecretVolume write(Map<String, String> files) {
        try {
            Path version = Files.createDirectory(dir.resolve("..version-" + VERSIONS.incrementAndGet()));
            GroupPrincipal principal = group == null ? null : dir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(String.valueOf(group));
            for (Map.Entry<String, String> entry : files.entrySet()) {
                Path file = version.resolve(entry.getKey());
                Files.writeString(file, entry.getValue(), StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r-----"));
                if (principal != null) {
                    Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(principal);
                }
            }
            Files.setPosixFilePermissions(version, PosixFilePermissions.fromString("r-xr-x---"));
            if (principal != null) {
                Files.getFileAttributeView(version, PosixFileAttributeView.class).setGroup(principal);
            }
            Path data = dir.resolve("..data");
            Path old = Files.isSymbolicLink(data) ? Files.readSymbolicLink(data) : null;
            Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), version.getFileName());
            Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String name : files.keySet()) {
                if (!Files.isSymbolicLink(dir.resolve(name))) {
                    Files.createSymbolicLink(dir.resolve(name), Path.of("..data").resolve(name));
                }
            }
            if (old != null) {
                Path previous = dir.resolve(old);
                try (var stale = Files.list(previous)) {
                    for (Path each : stale.toList()) {
                        Files.delete(each);
                    }
                }
                Files.delete(previous);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + files.keySet() + " into the Secret volume " + dir, e);
        }
    }

    /** @return the files of the current version */
    private Map<String, String> current() {
        Path data = dir.resolve("..data");
        Map<String, String> files = new TreeMap<>();
        if (!Files.isSymbolicLink(data)) {
            return files;
        }
        try (var list = Files.list(data)) {
            for (Path file : list.toList()) {
                files.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Secret volume " + dir, e);
        }
    }
}
