using OnnxDiffusion.Data;
using OnnxDiffusion.Imaging;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Schedules;
using OnnxDiffusion.Synthesis;
using OnnxDiffusion.Tests.Sampling;

namespace OnnxDiffusion.Tests.Synthesis;

/// <summary>What the synthesizer hands the denoiser (the condition) and the sink (values in the model's pixel range).</summary>
[Collection("cpu-kernels")]
public class SynthesizerTests
{
    private const int Size = 4;

    /// <summary>Records every condition it is called with; predicts zeros.</summary>
    private sealed class RecordingDenoiser : IDenoiser
    {
        public List<(ConditioningKind Kind, long[] Labels, long? Null)> Calls { get; } = [];

        public int SampleSize => Size;

        public void Predict(ReadOnlyMemory<float> sample, ReadOnlyMemory<long> timesteps, Conditioning condition, Memory<float> output)
        {
            Calls.Add((condition.Kind, condition.Labels.ToArray(), condition.NullClass));
            output.Span.Clear();
        }
    }

    private static LabeledImages Sources() =>
        new([0, 51, 204, 255, 10, 20, 30, 40], [1, 0], 1, 2, 2, ["a", "b"], "test");

    private static (RecordingDenoiser Denoiser, List<float[]> Out) Run(ConditioningSpec spec, PixelRange? range, double strength)
    {
        var cfg = new SchedulerConfig();
        var denoiser = new RecordingDenoiser();
        using var loop = new DiffusionLoop(CpuKernels.Get(), denoiser, new NoiseSchedule(cfg), Samplers.Create("ddim", cfg), 2);
        var synth = new Synthesizer(loop, denoiser, spec, range);
        var outputs = new List<float[]>();
        var items = new[] { new SynthesisItem(0, 1, 0), new SynthesisItem(1, 0, 1) };
        synth.Run(items, Timesteps.For(cfg, 4), strength, Sources(), 7, 0, (_, image) => outputs.Add(image.ToArray()));
        return (denoiser, outputs);
    }

    [Fact]
    public void AClassModelGetsEachItemsLabelAndTheNullClass()
    {
        var (d, _) = Run(new ConditioningSpec(ConditioningKind.ClassLabel, 2, 2), null, 0.5);
        Assert.NotEmpty(d.Calls);
        Assert.All(d.Calls, c =>
        {
            Assert.Equal(ConditioningKind.ClassLabel, c.Kind);
            Assert.Equal([1L, 0L], c.Labels);
            Assert.Equal(2L, c.Null);
        });
    }

    [Fact]
    public void AnUnconditionalModelGetsNoCondition()
    {
        var (d, _) = Run(ConditioningSpec.Unconditional, null, 0.5);
        Assert.NotEmpty(d.Calls);
        Assert.All(d.Calls, c => Assert.Equal(ConditioningKind.None, c.Kind));
    }

    [Fact]
    public void SourcesEnterInTheModelsPixelRange()
    {
        // Strength 0 runs no step: the sink receives the model input itself.
        var (_, zeroOne) = Run(ConditioningSpec.Unconditional, new PixelRange(0, 1), 0);
        Assert.Equal([0f, 0.2f, 0.8f, 1f], zeroOne[0]);
        var (_, symmetric) = Run(ConditioningSpec.Unconditional, null, 0);
        Assert.Equal([-1f, 51 / 127.5f - 1f, 204 / 127.5f - 1f, 1f], symmetric[0]);
    }
}
