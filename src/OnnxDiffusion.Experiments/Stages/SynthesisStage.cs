using System.Diagnostics;
using System.Globalization;
using OnnxDiffusion.Experiments.Results;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Experiments.Stages;

/// <summary>What the synthesis stage makes for one replicate.</summary>
/// <param name="Real">The real data (sources and their naming).</param>
/// <param name="Subset">The replicate's real subset: every reconstruction starts from one of its images, with its label.</param>
/// <param name="Strengths">Reconstruction strengths.</param>
/// <param name="Generated">Whether to add the generated set.</param>
/// <param name="PerClass">Images per class (the subset's).</param>
/// <param name="OutDirectory">The run's output folder; sets go to <c>synthetic/r&lt;r&gt;/</c>.</param>
/// <param name="Shard">
/// Null: every set. Otherwise only the sets this shard owns: set k of replicate r is unit r·(sets per replicate) + k, owned
/// as <see cref="ShardSpec.Owns"/> says, so n processes on a cluster make disjoint sets into the same folder.
/// </param>
public sealed record SynthesisInput(RealData Real, RealSubset Subset, IReadOnlyList<double> Strengths, bool Generated, int PerClass,
    string OutDirectory, ShardSpec? Shard = null);

/// <summary>A finished synthetic set on disk.</summary>
/// <param name="Replicate">Replicate index.</param>
/// <param name="Set"><see cref="MetricSets.Synthetic"/> (reconstructions) or <see cref="MetricSets.Generated"/>.</param>
/// <param name="Strength">Reconstruction strength; null for the generated set.</param>
/// <param name="StartTimestep">First timestep run (null when none ran).</param>
/// <param name="Directory">The dataset folder.</param>
/// <param name="Id">Content key: the hash of the set's full recipe.</param>
public sealed record SyntheticSetRef(int Replicate, string Set, double? Strength, int? StartTimestep, string Directory, string Id);

/// <summary>
/// Stage 2: per replicate, one reconstruction of the real subset per strength (each image from its real twin, with its
/// label, the replicate's noise) and one generated set (pure noise, class-conditional, same size and balance, its own
/// noise). Each set is a resumable dataset folder, so an interrupted run picks up where it stopped.
/// </summary>
public sealed class SynthesisStage(DiffusionPipeline pipeline)
{
    /// <summary>Stage name in timings.</summary>
    public const string Name = "synthesis";

    /// <summary>Sets per replicate: one per strength, plus the generated set.</summary>
    public static int SetsPerReplicate(int strengths, bool generated) => strengths + (generated ? 1 : 0);

    /// <summary>Makes (or finds) every set of the replicate (or, with a shard, the sets it owns).</summary>
    public IReadOnlyList<SyntheticSetRef> Run(SynthesisInput input, StageContext context)
    {
        var rep = input.Subset.Replicate;
        var train = input.Real.Train;
        var reconstruct = SynthesisPlan.Reconstruction(input.Subset.Indices, train.Labels);
        var classNames = train.ClassNames;
        var generate = SynthesisPlan.Generation(classNames.Count, input.PerClass);

        var plans = input.Strengths.Select(s => (Set: MetricSets.Synthetic, Strength: (double?)s, Items: reconstruct,
                Recipe: SynthesisRun.Recipe(pipeline, "reconstruct", input.PerClass, reconstruct.Count, s, input.Real.Source, ShardSpec.All, classNames)
                    with { Seed = rep.NoiseSeed }))
            .ToList();
        if (input.Generated)
            plans.Add((MetricSets.Generated, null, generate,
                SynthesisRun.Recipe(pipeline, "generate", input.PerClass, generate.Count, 1.0, null, ShardSpec.All, classNames) with { Seed = rep.GeneratedSeed }));
        if (input.Shard is { } shard)
        {
            int first = rep.Index * SetsPerReplicate(input.Strengths.Count, input.Generated);
            plans = plans.Where((_, k) => shard.Owns(first + k)).ToList();
        }

        int total = plans.Sum(p => p.Items.Count), before = 0;
        string stage = $"synthesis r{rep.Index}";
        var sets = new List<SyntheticSetRef>();
        foreach (var (set, strength, items, recipe) in plans)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var sw = Stopwatch.StartNew();
            string id = StageCache.Hash(recipe);
            string name = strength is { } s ? "s" + s.ToString("0.0##", CultureInfo.InvariantCulture) : "generated";
            string dir = Path.Combine(input.OutDirectory, "synthetic", $"r{rep.Index}", $"{name}-{id[..8]}");
            var key = new { id };
            if (!IsComplete(dir, recipe))
                context.Cache.Remove(Name, key);
            int offset = before;
            var made = context.Cache.GetOrCompute(Name, key, () =>
            {
                SynthesisRun.Execute(pipeline, recipe, items, strength is null ? null : train, dir, ShardSpec.All,
                    (done, _) => context.Progress?.Invoke(stage, offset + done, total), context.Cancellation);
                return items.Count;
            });
            before += items.Count;
            context.Progress?.Invoke(stage, before, total);
            context.Record(Name, made.Seconds, sw.Elapsed.TotalSeconds);
            sets.Add(new SyntheticSetRef(rep.Index, set, strength, recipe.StartTimestep, dir, id));
        }
        return sets;
    }

    // The cache vouches for a set only while its folder still holds the whole recipe's images.
    private static bool IsComplete(string dir, SyntheticRunConfig recipe)
    {
        try
        {
            return SyntheticSetStatus.Read(dir) is { IsComplete: true } status && status.Config.FirstDifference(recipe) is null;
        }
        catch (OnnxDiffusionException)
        {
            return false;
        }
    }
}
