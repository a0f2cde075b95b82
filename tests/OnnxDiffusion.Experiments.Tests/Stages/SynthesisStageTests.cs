using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Experiments.Stages;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Experiments.Tests.Stages;

public class SynthesisStageTests
{
    private static (IReadOnlyList<SyntheticSetRef> Sets, StageContext Context) Run(RealData real, RealSubset subset, string outDir,
        OnnxDiffusion.Pipelines.DiffusionPipeline pipeline, StageContext? context = null)
    {
        context ??= StageFixtures.Context(outDir);
        var sets = new SynthesisStage(pipeline).Run(new SynthesisInput(real, subset, [0, 0.5, 1.0], true, 2, outDir), context);
        return (sets, context);
    }

    [Fact]
    public void Each_replicate_gets_a_set_per_strength_and_a_generated_set_under_its_own_folder()
    {
        var real = StageFixtures.Real(StageFixtures.TinySplits(), perClass: 2, replicates: 2);
        string outDir = StageFixtures.NewDir("synth");
        using var pipeline = StageFixtures.Pipeline();
        var r0 = Run(real, real.Subsets[0], outDir, pipeline).Sets;
        var r1 = Run(real, real.Subsets[1], outDir, pipeline).Sets;
        Assert.Equal([MetricSets.Synthetic, MetricSets.Synthetic, MetricSets.Synthetic, MetricSets.Generated], r0.Select(s => s.Set));
        Assert.Equal([0, 0.5, 1.0, (double?)null], r0.Select(s => s.Strength));
        Assert.All(r0, s => Assert.StartsWith(Path.Combine(outDir, "synthetic", "r0"), s.Directory));
        Assert.All(r1, s => Assert.StartsWith(Path.Combine(outDir, "synthetic", "r1"), s.Directory));
        Assert.Equal(8, r0.Concat(r1).Select(s => s.Id).Distinct().Count());

        // Strength 0 is the real subset pixel for pixel; every image keeps its twin's label and names its source.
        var s0 = SyntheticSet.Load(r0[0].Directory);
        Assert.Equal(real.Subsets[0].Images.Pixels, s0.Images.Pixels);
        Assert.Equal(real.Subsets[0].Indices, s0.SourceIndices!);
        Assert.Equal(real.Subsets[0].Images.Labels, s0.Images.Labels);

        // The generated set is class-balanced, names no source, and has noise of its own: it is not the strength-1 set again.
        var gen = SyntheticSet.Load(r0[3].Directory);
        var s1 = SyntheticSet.Load(r0[2].Directory);
        Assert.Null(gen.SourceIndices);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(2, gen.Images.Labels.Count(l => l == c)));
        Assert.Equal(s1.Images.Labels, gen.Images.Labels);
        Assert.NotEqual(s1.Images.Pixels, gen.Images.Pixels);
        Assert.NotEqual(gen.Config.Seed, SyntheticRunConfig.Load(Path.Combine(r1[3].Directory, "dataset.json")).Seed);
        Assert.NotEqual(SyntheticSet.Load(r1[1].Directory).Images.Pixels, SyntheticSet.Load(r0[1].Directory).Images.Pixels);
    }

    [Fact]
    public void A_rerun_finds_the_sets_with_their_original_cost_and_a_damaged_set_is_resumed_to_the_same_bytes()
    {
        var real = StageFixtures.Real(StageFixtures.TinySplits(), perClass: 2, replicates: 1);
        string outDir = StageFixtures.NewDir("resume");
        using var pipeline = StageFixtures.Pipeline();
        var (sets, first) = Run(real, real.Subsets[0], outDir, pipeline);
        double cost = first.Timings.Single(t => t.Stage == SynthesisStage.Name).ComputeSeconds;
        var bytes = Directory.GetFiles(sets[1].Directory, "*.png", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).ToList();

        var (_, second) = Run(real, real.Subsets[0], outDir, pipeline);
        Assert.Equal(cost, second.Timings.Single(t => t.Stage == SynthesisStage.Name).ComputeSeconds);

        // Lose one image and its manifest line, as a kill mid-run would: the cache no longer vouches for the set and the rerun redoes only that id.
        string manifest = Path.Combine(sets[1].Directory, "manifest.jsonl");
        var lines = File.ReadAllLines(manifest);
        var gone = System.Text.Json.JsonSerializer.Deserialize<ManifestRecord>(lines[^1])!;
        File.Delete(Path.Combine(sets[1].Directory, gone.File));
        File.WriteAllLines(manifest, lines[..^1]);
        Run(real, real.Subsets[0], outDir, pipeline);
        Assert.Equal(bytes, Directory.GetFiles(sets[1].Directory, "*.png", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).ToList());
        Assert.Equal(lines, File.ReadAllLines(manifest));
    }
}
