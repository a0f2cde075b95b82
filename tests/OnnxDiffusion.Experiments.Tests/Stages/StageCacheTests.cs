using OnnxDiffusion.Experiments.Stages;

namespace OnnxDiffusion.Experiments.Tests.Stages;

public class StageCacheTests
{
    [Fact]
    public void A_hit_returns_the_stored_value_and_the_seconds_it_first_cost_without_computing()
    {
        var cache = new StageCache(Directory.CreateTempSubdirectory("cache").FullName);
        var first = cache.GetOrCompute("s", new { a = 1 }, () =>
        {
            Thread.Sleep(50);
            return 42;
        });
        Assert.False(first.FromCache);
        Assert.True(first.Seconds >= 0.04, $"{first.Seconds}");
        var second = cache.GetOrCompute<int>("s", new { a = 1 }, () => throw new InvalidOperationException("must not recompute"));
        Assert.True(second.FromCache);
        Assert.Equal(42, second.Value);
        Assert.Equal(first.Seconds, second.Seconds);
        Assert.Equal(7, cache.GetOrCompute("s", new { a = 2 }, () => 7).Value);
    }

    [Fact]
    public void Damaged_or_removed_entries_are_recomputed()
    {
        var cache = new StageCache(Directory.CreateTempSubdirectory("cache").FullName);
        cache.GetOrCompute("s", "k", () => "x");
        foreach (var f in Directory.GetFiles(Path.Combine(cache.Root, "s")))
            File.WriteAllText(f, "{ not json");
        Assert.False(cache.GetOrCompute("s", "k", () => "y").FromCache);
        cache.Remove("s", "k");
        cache.Remove("s", "never stored");
        cache.Remove("no such stage", "k");
        Assert.Equal("z", cache.GetOrCompute("s", "k", () => "z").Value);
    }
}
