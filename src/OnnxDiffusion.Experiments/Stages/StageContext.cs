using OnnxDiffusion.Experiments.Results;

namespace OnnxDiffusion.Experiments.Stages;

/// <summary>Receives progress: the stage's name, units done and units in the stage.</summary>
public delegate void StageProgress(string stage, int done, int total);

/// <summary>What every stage shares: the cache, progress, cancellation, and the ledger of what each stage cost.</summary>
public sealed class StageContext(StageCache cache, StageProgress? progress = null, CancellationToken cancellation = default)
{
    private readonly List<StageTiming> _timings = [];
    private readonly object _lock = new();

    /// <summary>The content-hash cache.</summary>
    public StageCache Cache { get; } = cache;

    /// <summary>Progress sink (may be null).</summary>
    public StageProgress? Progress { get; } = progress;

    /// <summary>Cancellation.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Adds a stage's original compute and this run's wall time (a stage run once per replicate adds up).</summary>
    public void Record(string stage, double computeSeconds, double wallSeconds)
    {
        lock (_lock)
        {
            int i = _timings.FindIndex(t => t.Stage == stage);
            if (i < 0)
                _timings.Add(new StageTiming { Stage = stage, ComputeSeconds = computeSeconds, WallSeconds = wallSeconds });
            else
                _timings[i] = _timings[i] with
                {
                    ComputeSeconds = _timings[i].ComputeSeconds + computeSeconds, WallSeconds = _timings[i].WallSeconds + wallSeconds,
                };
        }
    }

    /// <summary>The timings recorded so far, in the order stages first reported.</summary>
    public IReadOnlyList<StageTiming> Timings
    {
        get
        {
            lock (_lock)
                return _timings.ToList();
        }
    }
}
