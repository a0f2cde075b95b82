using OnnxDiffusion.Experiments.Stages;

namespace OnnxDiffusion.Experiments.Tests.Stages;

public class ReplicateTests
{
    [Fact]
    public void Every_replicate_and_stream_gets_its_own_seed_and_the_same_inputs_give_the_same_seeds()
    {
        var reps = Replicate.All(7, 4);
        var seeds = reps.SelectMany(r => new[] { r.SubsetSeed, r.NoiseSeed, r.GeneratedSeed }).ToList();
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
        Assert.Equal([0, 1, 2, 3], reps.Select(r => r.TrainerSeed));
        Assert.Equal(reps, Replicate.All(7, 4));
        Assert.NotEqual(Replicate.Derive(7, 1), Replicate.Derive(8, 1));
        // A replicate's seeds do not depend on how many replicates the plan has.
        Assert.Equal(reps[2], Replicate.Derive(7, 2));
    }

    [Fact]
    public void A_negative_replicate_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Replicate.Derive(1, -1));
    }
}
