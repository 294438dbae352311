package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.client.FollowedMaster.Answer;
import io.github.rediskube.client.RedisEndpoints.Address;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The follower's rules on what three Sentinels may answer around a failover (the answers are plain values;
 * {@link SentinelFollowerTest} runs the real interleaving).
 */
class FollowedMasterTest {

    private static final Address S1 = new Address("sentinel-0", 26379);
    private static final Address S2 = new Address("sentinel-1", 26379);
    private static final Address S3 = new Address("sentinel-2", 26379);
    private static final Address A = new Address("master-0", 6379);
    private static final Address B = new Address("replica-0", 6379);
    private static final Address C = new Address("replica-1", 6379);

    private final FollowedMaster followed = new FollowedMaster(3, A, 5);

    @Test
    void followsAnAnnouncementAwayFromTheMasterItFollows() {
        assertThat(followed.follows(A, B)).isTrue();
        followed.followed(B);

        assertThat(followed.master()).isEqualTo(B);
        assertThat(followed.follows(A, B)).as("the same announcement from another Sentinel").isFalse();
    }

    @Test
    void ignoresAnAnnouncementFromAnotherOldMaster() {
        followed.followed(B);

        assertThat(followed.follows(C, A)).as("a late announcement of an older switch").isFalse();
    }

    @Test
    void neverMovesBackToTheOldMasterWhileTheLeaderStillNamesItAtTheNewEpoch() {
        followed.followed(B);

        assertThat(followed.recheck(List.of(new Answer(S1, 6, A)))).as("the leader alone").isEmpty();
        assertThat(followed.recheck(List.of(new Answer(S1, 6, A), new Answer(S2, 6, B), new Answer(S3, 6, B))))
                .as("the leader and the Sentinels that switched").isEmpty();
        assertThat(followed.epoch()).as("the new master's epoch, learned").isEqualTo(6);
        assertThat(followed.recheck(List.of(new Answer(S1, 6, A)))).as("the leader again, epoch known").isEmpty();
        assertThat(followed.master()).isEqualTo(B);
    }

    @Test
    void neverMovesToAnAnswerAtOrBelowTheEpochItFollows() {
        assertThat(followed.recheck(List.of(new Answer(S3, 5, B)))).as("same epoch, other master").isEmpty();
        assertThat(followed.recheck(List.of(new Answer(S1, 5, A), new Answer(S3, 4, B)))).isEmpty();
        assertThat(followed.master()).isEqualTo(A);
    }

    @Test
    void movesToTheMasterOfANewerEpochItMissedTheAnnouncementOf() {
        assertThat(followed.recheck(List.of(new Answer(S1, 5, A), new Answer(S2, 7, C))))
                .map(Answer::master).contains(C);
    }

    @Test
    void staysWhenTheSentinelsAtTheNewestEpochDisagree() {
        assertThat(followed.recheck(List.of(new Answer(S1, 7, B), new Answer(S2, 7, C)))).isEmpty();
    }

    @Test
    void takesTheOldMasterBackWhenAMajorityNamesItAtANewerEpoch() {
        followed.followed(B);

        assertThat(followed.recheck(List.of(new Answer(S1, 8, A), new Answer(S2, 8, A))))
                .as("a failover back to the old master whose announcement was missed")
                .map(Answer::master).contains(A);
    }

    @Test
    void followsTheSentinelsWhenAMajorityStartedOverAtALowerEpoch() {
        assertThat(followed.recheck(List.of(new Answer(S1, 0, B))))
                .as("one Sentinel at a lower epoch: stale, not a reset").isEmpty();
        assertThat(followed.recheck(List.of(new Answer(S1, 0, B), new Answer(S2, 0, B))))
                .map(Answer::master).contains(B);
    }

    @Test
    void rebasesItsEpochWhenAMajorityStartedOverNamingTheMasterItFollows() {
        assertThat(followed.recheck(List.of(new Answer(S1, 1, A), new Answer(S2, 1, A)))).isEmpty();
        assertThat(followed.epoch()).isEqualTo(1);
        assertThat(followed.recheck(List.of(new Answer(S1, 2, C), new Answer(S2, 2, C))))
                .as("the next failover after the reset").map(Answer::master).contains(C);
    }
}
