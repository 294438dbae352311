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
 * A Secret (or ConfigMap) volume of one pod, written as the kubelet writes it (its {@code AtomicWriter}): each version in a
 * directory of its own, {@code ..data} a symlink to the current one, swapped by a rename, and each file a
 * symlink through {@code ..data}. A script reading the file sees the old value or the new one, never a mix.
 * The kubelet refreshes a running pod's volume some time after the Secret changed; a test calls
 * {@link #write} when it plays that refresh.
 */
public final class SecretVolume {

    private static final AtomicLong VERSIONS = new AtomicLong();

    private final Path dir;
    private final Integer group;
    private final int mode;

    private SecretVolume(Path dir, Integer group, int mode) {
        this.dir = dir;
        this.group = group;
        this.mode = mode;
    }

    /**
     * @param dir   the volume's directory (created)
     * @param group the gid its files belong to (the pod's fsGroup; needs root), or {@code null} to keep the
     *              writer's
     * @return an empty volume
     */
    public static SecretVolume create(Path dir, Integer group) {
        return create(dir, group, 0440);
    }

    /**
     * @param dir   the volume's directory (created)
     * @param group the gid its files belong to (the pod's fsGroup; needs root), or {@code null} to keep the
     *              writer's
     * @param mode  the files' mode, as the volume's {@code defaultMode} (e.g. {@code 0444}); the version
     *              directory gets the search bit wherever the files can be read
     * @return an empty volume
     */
    public static SecretVolume create(Path dir, Integer group, int mode) {
        if ((mode & ~0777) != 0) {
            throw new IllegalArgumentException("mode must be within 0777, was " + Integer.toOctalString(mode));
        }
        try {
            Files.createDirectories(dir);
            return new SecretVolume(dir, group, mode);
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
     * Replaces one file's content atomically, keeping the volume's other files, in the volume's mode (0440,
     * owner and group read, unless created with another).
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
                Files.setPosixFilePermissions(file, permissions(mode));
                if (principal != null) {
                    Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(principal);
                }
            }
            Files.setPosixFilePermissions(version, permissions(mode | (mode & 0444) >> 2));
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

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
        StringBuilder text = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = mode >> shift;
            text.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return PosixFilePermissions.fromString(text.toString());
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
