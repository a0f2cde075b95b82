using ILGPU;
using ILGPU.Runtime;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Sampling;

/// <summary>
/// Runs reverse diffusion for one batch at a time: optional start noise → for each timestep, the model call and the
/// sampler's fused kernel, which also keeps the state buffers (on the device) the sampler declares: earlier x̂0s and the
/// last corrected x that multistep samplers read.
/// Owns every buffer (sized once for <c>capacity</c> samples) so steps do not allocate. A reconstruction starts at the first step's noise level: ᾱ at its timestep, or the schedule's own σ
/// (α = 1/√(σ²+1), s = σα) when the schedule carries σ. Knows nothing of files or ONNX: the model is an <see cref="IDenoiser"/>.
/// Noise for step t of sample id i is keyed by (seed, i, stream = t), so a sample's result does not depend
/// on which batch or shard it ran in. On ILGPU's CPU accelerator the model reads x from, and writes its output
/// into, the kernels' own buffers (no copies per step); on a GPU both go through host staging arrays.
/// </summary>
public sealed class DiffusionLoop : IDisposable
{
    private readonly DiffusionKernels _kernels;
    private readonly IDenoiser _denoiser;
    private readonly NoiseSchedule _schedule;
    private readonly ISampler _sampler;
    private readonly int _capacity;
    private readonly int _sampleSize;
    private readonly float[] _xHost;
    private readonly float[] _outHost;
    private readonly long[] _tHost;
    private readonly int[] _tIntHost;
    private readonly long[] _idsHost;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _x;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _out;
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _prevX0;
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _olderX0;
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _lastX;
    private readonly MemoryBuffer1D<long, Stride1D.Dense> _ids;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _t;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _sqrtAbar;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _sqrtOneMinusAbar;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _startScale;
    private readonly float[] _startScaleHost = new float[2];
    private readonly Memory<float>? _xView;
    private readonly Memory<float>? _outView;

    /// <summary>Allocates buffers for batches of up to <paramref name="capacity"/> samples.</summary>
    public DiffusionLoop(DiffusionKernels kernels, IDenoiser denoiser, NoiseSchedule schedule, ISampler sampler, int capacity)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "batch capacity must be ≥ 1");
        _kernels = kernels;
        _denoiser = denoiser;
        _schedule = schedule;
        _sampler = sampler;
        _capacity = capacity;
        _sampleSize = denoiser.SampleSize;
        int n = capacity * _sampleSize;
        _tHost = new long[capacity];
        _tIntHost = new int[capacity];
        _idsHost = new long[capacity];
        var acc = kernels.Device.Accelerator;
        _x = acc.Allocate1D<float>(n);
        _out = acc.Allocate1D<float>(n);
        // Only the state the sampler declares: a single-step sampler's kernel gets an empty view and reads nothing.
        var state = sampler.State;
        if (state.HasFlag(SamplerState.OlderX0) && !state.HasFlag(SamplerState.PreviousX0))
            throw new ArgumentException($"sampler {sampler.Name}: an older x̂0 is shifted from the previous one, which it does not declare", nameof(sampler));
        _prevX0 = state.HasFlag(SamplerState.PreviousX0) ? acc.Allocate1D<float>(n) : null;
        _olderX0 = state.HasFlag(SamplerState.OlderX0) ? acc.Allocate1D<float>(n) : null;
        _lastX = state.HasFlag(SamplerState.LastSample) ? acc.Allocate1D<float>(n) : null;
        _xView = kernels.Device.HostView(_x);
        _outView = kernels.Device.HostView(_out);
        _xHost = _xView is null ? new float[n] : [];
        _outHost = _outView is null ? new float[n] : [];
        _ids = acc.Allocate1D<long>(capacity);
        _t = acc.Allocate1D<int>(capacity);
        _sqrtAbar = acc.Allocate1D(schedule.SqrtAlphaBar);
        _sqrtOneMinusAbar = acc.Allocate1D(schedule.SqrtOneMinusAlphaBar);
        _startScale = acc.Allocate1D<float>(2);
    }

    /// <summary>Largest batch this loop accepts.</summary>
    public int Capacity => _capacity;

    /// <summary>
    /// Runs one batch. <paramref name="samples"/> holds the batch's images on entry (used when
    /// <see cref="DiffusionJob.Start"/> is <see cref="StartFrom.Image"/>) and the results on return.
    /// </summary>
    public void Run(DiffusionJob job, Span<float> samples, IProgress<DiffusionProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        int b = job.SampleIds.Length;
        if (b < 1 || b > _capacity)
            throw new ArgumentException($"batch of {b} samples: expected 1 … {_capacity}", nameof(job));
        if (job.Condition.Count is int conditioned && conditioned != b)
            throw new ArgumentException($"conditions for {conditioned} samples in a batch of {b}", nameof(job));
        int n = b * _sampleSize;
        if (samples.Length != n)
            throw new ArgumentException($"sample buffer holds {samples.Length} values: expected {n}", nameof(samples));
        var run = job.Timesteps;
        var steps = run.Timesteps;
        if (steps.Length == 0 && job.Start != StartFrom.Noise)
            return; // strength 0: the image itself, bit for bit

        job.SampleIds.Span.CopyTo(_idsHost);
        var ids = _ids.View.SubView(0, b);
        var x = _x.View.SubView(0, n);
        var output = _out.View.SubView(0, n);
        var prevX0 = _prevX0?.View.SubView(0, n) ?? default;
        var olderX0 = _olderX0?.View.SubView(0, n) ?? default;
        var lastX = _lastX?.View.SubView(0, n) ?? default;
        ids.CopyFromCPU(ref _idsHost[0], b);

        if (job.Start == StartFrom.Given)
        {
            Upload(samples, x);
        }
        else if (job.Start == StartFrom.Noise || steps.Length == 0)
        {
            _kernels.FillNormal(x, ids, _sampleSize, new NoiseKey(job.Seed, NoiseKey.InitialStream));
        }
        else
        {
            Upload(samples, x);
            var t = _t.View.SubView(0, b);
            // Karras and Lu σ lie between the integer timesteps' levels, so ᾱ at the first timestep would start such a run
            // at the wrong noise level: those runs noise to the schedule's own σ through a one-entry pair of tables.
            int tableIndex = steps[0];
            var (sqrtA, sqrtOneMinusA) = (_sqrtAbar.View, _sqrtOneMinusAbar.View);
            if (run.Sigmas is { } sigmas)
            {
                double alpha = 1 / Math.Sqrt(sigmas[0] * sigmas[0] + 1);
                _startScaleHost[0] = (float)alpha;
                _startScaleHost[1] = (float)(sigmas[0] * alpha);
                _startScale.View.CopyFromCPU(ref _startScaleHost[0], 2);
                (tableIndex, sqrtA, sqrtOneMinusA) = (0, _startScale.View.SubView(0, 1), _startScale.View.SubView(1, 1));
            }
            Array.Fill(_tIntHost, tableIndex, 0, b);
            t.CopyFromCPU(ref _tIntHost[0], b);
            _kernels.AddNoise(x, t, sqrtA, sqrtOneMinusA, ids, _sampleSize, new NoiseKey(job.Seed, NoiseKey.InitialStream));
        }

        var xMem = _xView?.Slice(0, n) ?? new Memory<float>(_xHost, 0, n);
        var outMem = _outView?.Slice(0, n) ?? new Memory<float>(_outHost, 0, n);
        var tMem = new Memory<long>(_tHost, 0, b);
        for (int i = 0; i < steps.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int ti = steps[i];
            _kernels.Synchronize();
            if (_xView is null)
                x.CopyToCPU(ref _xHost[0], n);
            Array.Fill(_tHost, ti, 0, b);
            _denoiser.Predict(xMem, tMem, job.Condition, outMem);
            if (_outView is null)
                output.CopyFromCPU(ref _outHost[0], n);
            var c = _sampler.Coefficients(_schedule, run, i, job.Eta);
            // A buffer holds something of this run only once an earlier step wrote it.
            if ((c.ReadsPrevX0 && i < 1) || (c.ReadsOlderX0 && i < 2) || (c.ReadsLast && i < 1))
                throw new InvalidOperationException($"sampler {_sampler.Name}: step {i} of a run weighs state no earlier step of the run left");
            _kernels.Step(x, output, prevX0, olderX0, lastX, ids, _sampleSize, c, new NoiseKey(job.Seed, (uint)ti));
            progress?.Report(new DiffusionProgress(i + 1, steps.Length));
        }
        _kernels.Synchronize();
        if (_xView is { } view)
        {
            view.Span[..n].CopyTo(samples);
        }
        else
        {
            x.CopyToCPU(ref _xHost[0], n);
            _xHost.AsSpan(0, n).CopyTo(samples);
        }
    }

    private void Upload(ReadOnlySpan<float> samples, ArrayView1D<float, Stride1D.Dense> x)
    {
        if (_xView is { } view)
        {
            samples.CopyTo(view.Span);
        }
        else
        {
            samples.CopyTo(_xHost);
            x.CopyFromCPU(ref _xHost[0], samples.Length);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _x.Dispose();
        _out.Dispose();
        _prevX0?.Dispose();
        _olderX0?.Dispose();
        _lastX?.Dispose();
        _ids.Dispose();
        _t.Dispose();
        _sqrtAbar.Dispose();
        _sqrtOneMinusAbar.Dispose();
        _startScale.Dispose();
    }
}
