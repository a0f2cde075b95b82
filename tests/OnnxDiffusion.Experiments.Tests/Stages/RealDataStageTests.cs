using OnnxDiffusion.Experiments.Stages;

namespace OnnxDiffusion.Experiments.Tests.Stages;

public class RealDataStageTests
{
    [Fact]
    public void Every_replicate_draws_its_own_class_balanced_subset_and_the_same_input_draws_the_same()
    {
        string data = StageFixtures.TinySplits();
        var real = StageFixtures.Real(data, perClass: 3, replicates: 3);
        Assert.Equal(3, real.Subsets.Count);
        foreach (var s in real.Subsets)
        {
            Assert.Equal(30, s.Indices.Length);
            Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(3, s.Images.Labels.Count(l => l == c)));
            Assert.All(s.Indices.Select((src, i) => (src, i)), x => Assert.Equal(real.Train.Labels[x.src], s.Images.Labels[x.i]));
        }
        Assert.Equal(3, real.Subsets.Select(s => string.Join(",", s.Indices)).Distinct().Count());
        Assert.Equal(3, real.Subsets.Select(s => s.Id).Distinct().Count());
        var again = StageFixtures.Real(data, perClass: 3, replicates: 3);
        Assert.Equal(real.Subsets.Select(s => s.Id), again.Subsets.Select(s => s.Id));
        Assert.Equal(real.TestId, again.TestId);
        Assert.Equal(40, real.Test.Count);
        Assert.Equal("train", real.Source.Split);
    }

    [Fact]
    public void A_test_limit_keeps_the_test_set_class_balanced()
    {
        string data = StageFixtures.TinySplits();
        var real = RealDataStage.Run(new RealDataInput(data, StageFixtures.Model, "tiny", false, 2, Replicate.All(1, 1), 1, 20),
            StageFixtures.Context(StageFixtures.NewDir("limit")));
        Assert.Equal(20, real.Test.Count);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(2, real.Test.Labels.Count(l => l == c)));
    }

    [Fact]
    public void A_class_smaller_than_the_subset_is_one_clear_error()
    {
        string data = StageFixtures.TinySplits();
        var ex = Assert.Throws<OnnxDiffusion.Data.DataFormatException>(() => StageFixtures.Real(data, perClass: 9, replicates: 1));
        Assert.Contains("fewer than --per-class 9", ex.Message);
    }
}
