package io.github.rediskube.examples;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.junit.KubernetesClusters;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * GitOps: the manifests as YAML files in a directory, one per object, for {@code kubectl apply -f} or a
 * GitOps tool. The password comes from a Secret you manage (sealed, external), so no secret lands in git.
 *
 * <p>{@code ./mvnw -q -pl redis-kube-examples -am compile exec:java -Dexec.mainClass=io.github.rediskube.examples.GitOpsManifests -Dexec.args="--out manifests"}
 */
public final class GitOpsManifests extends Example {

    private Path directory = Path.of("manifests");

    GitOpsManifests(PrintStream out, PrintStream err) {
        super(out, err);
    }

    // tag::gitops[]
    static RedisReplicationSpec spec() {
        return RedisKube.replication("sessions")
                .namespace("web")
                .auth(Auth.fromSecret("sessions-redis", "password"))   // managed outside git
                .build();
    }
    // end::gitops[]

    @Override
    String usage() {
        return "usage: GitOpsManifests [--out DIR]   (writes one YAML file per object to DIR, default manifests)";
    }

    @Override
    boolean option(String name, Args args) {
        if (name.equals("--out")) {
            directory = Path.of(args.value(name));
            return true;
        }
        return false;
    }

    @Override
    boolean offline() {
        return true;
    }

    @Override
    void dryRun() throws IOException {
        for (Path file : RedisKube.writeYaml(spec(), directory)) {
            out.println("wrote " + file);
        }
        out.println("apply with: kubectl apply -f " + directory
                + "   (create Secret web/sessions-redis with key password first)");
    }

    @Override
    void live(KubernetesClusters.Cluster cluster) {
        throw new IllegalStateException("GitOpsManifests only writes files");
    }

    /** @param args see {@code --help} */
    public static void main(String[] args) {
        int code = new GitOpsManifests(System.out, System.err).run(List.of(args));
        if (code != OK) {
            System.exit(code);
        }
    }
}
