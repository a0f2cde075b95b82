using Microsoft.ML.OnnxRuntime;
using OnnxDiffusion.Data;
using OnnxDiffusion.Kernels;
using OnnxDiffusion.Models;
using OnnxDiffusion.Pipelines;
using OnnxDiffusion.Sampling;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Tests.Models;

/// <summary>
/// Latent text-to-image pipelines on tests/fixtures/sd-tiny (its make_fixtures.py): the folder reader, the VAE seam
/// against ONNX Runtime run by hand, and the prompt conditioning.
/// </summary>
public class LatentPipelineTests
{
    internal static string SdTiny(params string[] parts) => RepoPaths.Combine(["tests", "fixtures", "sd-tiny", .. parts]);

    [Fact]
    public void OptimumFolderIsReadAsALatentTextPipeline()
    {
        var model = ModelFolder.Open(SdTiny("pipeline"));
        var m = model.Manifest;
        Assert.Equal(ModelLayout.LatentPipeline, model.Layout);
        Assert.Equal((3, 64), (m.Channels, m.ImageSize));
        Assert.Equal(new LatentSpec(4, 8, 0.18215, "scaling_factor in vae_decoder/config.json"), m.Latent);
        Assert.Equal(4 * 8 * 8, m.SampleSize);
        Assert.Equal(new TextSpec("encoder_hidden_states", 77, 32), m.Text);
        Assert.Equal((TensorShapes.Scalar, "float32"), (m.TimestepShape, m.TimestepDtype));
        Assert.True(m.TakesClasses);
        Assert.False(m.IsConditional);
        Assert.Equal(7.5, m.DefaultGuidanceScale);
        Assert.NotNull(model.Latent!.VaeEncoder);
        Assert.Null(model.Notice);
    }

    [Fact]
    public void LegacyExportFallsBackToOptimumsScalingAndTakesInt64AndBatchTimesteps()
    {
        var model = ModelFolder.Open(SdTiny("legacy"));
        var m = model.Manifest;
        // No scaling_factor in the VAE config: 2^(len(block_out_channels) − 1) with 4 blocks.
        Assert.Equal(8.0, m.Latent!.ScalingFactor);
        Assert.Contains("no scaling_factor", m.Latent.ScalingFactorSource);
        Assert.Equal((TensorShapes.Batch, "int64"), (m.TimestepShape, m.TimestepDtype));
    }

    [Fact]
    public void WithoutVaeEncoderItSaysSoOnceAndCannotReconstruct()
    {
        var model = ModelFolder.Open(SdTiny("no-vae-encoder"));
        Assert.Null(model.Latent!.VaeEncoder);
        Assert.Contains("no vae_encoder/model.onnx", model.Notice);
        using var pipeline = DiffusionPipeline.Open(new PipelineSettings { ModelDirectory = SdTiny("no-vae-encoder"), Device = DeviceKind.Cpu, Steps = 2 });
        Assert.False(pipeline.CanReconstruct);
        Assert.Single(pipeline.Notices, n => n.Contains("vae_encoder"));
    }

    [Theory]
    [InlineData("bad/no-merges", "merges.txt: not found")]
    [InlineData("bad/hidden-mismatch", "hidden size is 16 but the U-Net's 'encoder_hidden_states' takes 32")]
    public void BrokenPartsAreOneLine(string folder, string expected)
    {
        var ex = Assert.ThrowsAny<OnnxDiffusionException>(() =>
            DiffusionPipeline.Open(new PipelineSettings { ModelDirectory = SdTiny(folder), Device = DeviceKind.Cpu }).Dispose());
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("pipeline")]
    [InlineData("legacy")]
    public void StrengthZeroIsTheVaeRoundTripComputedByHand(string folder)
    {
        var real = DatasetLoader.Load(SdTiny("data-rgb64"), new DatasetRequest("train", 3, null, null));
        using var pipeline = DiffusionPipeline.Open(new PipelineSettings { ModelDirectory = SdTiny(folder), Device = DeviceKind.Cpu, Steps = 5, BatchSize = 3 });
        var items = Enumerable.Range(0, 4).Select(i => new SynthesisItem(i, real.Labels[i * 7], i * 7)).ToList();
        var made = new List<float[]>();
        pipeline.SynthesizerFor(real.ClassNames).Run(items, pipeline.Timesteps, 0.0, real, 3, 0, (_, image) => made.Add(image.ToArray()));

        // The same by hand, straight through ONNX Runtime: encode, take the mean half (or the latent), scale, unscale, decode, clamp.
        double scale = pipeline.Manifest.Latent!.ScalingFactor;
        using var encoder = new InferenceSession(SdTiny(folder, "vae_encoder", "model.onnx"));
        using var decoder = new InferenceSession(SdTiny(folder, "vae_decoder", "model.onnx"));
        for (int i = 0; i < items.Count; i++)
        {
            var x = new float[3 * 64 * 64];
            real.CopyAsModelInput(items[i].SourceIndex, x);
            using var input = OrtValue.CreateTensorValueFromMemory(x, [1, 3, 64, 64]);
            using var encoded = encoder.Run(new RunOptions(), [encoder.InputNames[0]], [input], [encoder.OutputNames[0]]);
            var latent = encoded[0].GetTensorDataAsSpan<float>()[..(4 * 8 * 8)].ToArray();
            var z = latent.Select(v => (float)((float)(v * (float)scale) * (1.0f / (float)scale))).ToArray();
            using var zin = OrtValue.CreateTensorValueFromMemory(z, [1, 4, 8, 8]);
            using var decoded = decoder.Run(new RunOptions(), [decoder.InputNames[0]], [zin], [decoder.OutputNames[0]]);
            var expected = decoded[0].GetTensorDataAsSpan<float>().ToArray().Select(v => Math.Clamp(v, -1f, 1f)).ToArray();
            Assert.Equal(expected.Length, made[i].Length);
            Assert.True(expected.Zip(made[i]).Max(p => Math.Abs(p.First - p.Second)) < 1e-5f, $"image {i}");
            // ... and it is not the image itself: the VAE loses something, which the report's round-trip row shows.
            Assert.True(expected.Zip(x).Max(p => Math.Abs(p.First - p.Second)) > 1e-2f);
        }
    }

    [Fact]
    public void Float16ExportCastsEveryPartAndGivesThePipelinesImagesToHalfPrecision()
    {
        var m = ModelFolder.Open(SdTiny("fp16")).Manifest;
        Assert.Equal(("float16", "float16", "float16", "float16"), (m.SampleDtype, m.OutputDtype, m.TimestepDtype, m.Text!.Dtype));
        var real = DatasetLoader.Load(SdTiny("data-rgb64"), new DatasetRequest("train", 3, null, null));
        List<float[]> Run(string folder, double strength)
        {
            using var pipeline = DiffusionPipeline.Open(new PipelineSettings { ModelDirectory = SdTiny(folder), Device = DeviceKind.Cpu, Steps = 4 });
            var items = Enumerable.Range(0, 3).Select(i => new SynthesisItem(i, real.Labels[i * 10], i * 10)).ToList();
            var made = new List<float[]>();
            pipeline.SynthesizerFor(real.ClassNames).Run(items, pipeline.Timesteps, strength, real, 9, 0, (_, image) => made.Add(image.ToArray()));
            return made;
        }
        var worst = new[] { 0.0, 0.5, 1.0 }.Select(strength =>
        {
            var (full, half) = (Run("pipeline", strength), Run("fp16", strength));
            return full.Zip(half).Max(p => p.First.Zip(p.Second).Max(x => Math.Abs(x.First - x.Second)));
        }).ToArray();
        Assert.True(worst.All(w => w < 0.05), $"max |fp32 − fp16| at strengths 0, 0.5, 1: {string.Join(", ", worst)}");
    }

    [Fact]
    public void PromptsAreEncodedOncePerDistinctPromptAndClassesGetTheirOwn()
    {
        using var pipeline = DiffusionPipeline.Open(new PipelineSettings
        {
            ModelDirectory = SdTiny("pipeline"), Device = DeviceKind.Cpu, Steps = 2, Prompt = "an image of {class}",
        });
        Assert.Equal(["an image of golden retriever", "an image of blank"], pipeline.PromptsFor(["golden_retriever", "blank"]));
        var conditioner = new OnnxDiffusion.Text.PromptConditioner(
            OnnxDiffusion.Text.ClipTokenizer.Load(SdTiny("pipeline", "tokenizer")),
            new OnnxDiffusion.Text.TextEncoder(SdTiny("pipeline", "text_encoder", "model.onnx"), pipeline.Manifest.Text!, "CPU"),
            "a photo of a {class}", ["circle", "square", "circle"]);
        // Two distinct prompts plus the empty one.
        Assert.Equal(3, conditioner.Encodings);
        var c = conditioner.ForLabels(new long[] { 0, 1, 2 });
        Assert.Equal(ConditioningKind.Embedding, c.Kind);
        Assert.Equal(77 * 32, c.EmbeddingSize);
        Assert.True(c.HasNull);
        var e = c.Embedding.Span;
        int n = c.EmbeddingSize;
        Assert.True(e[..n].SequenceEqual(e.Slice(2 * n, n)));
        Assert.False(e[..n].SequenceEqual(e.Slice(n, n)));
        Assert.False(e[..n].SequenceEqual(c.NullEmbedding.Span));
    }

    [Fact]
    public void PromptsChangeTheImagesAndTheTemplateIsPartOfTheRecipe()
    {
        float[] First(string? prompt)
        {
            using var pipeline = DiffusionPipeline.Open(new PipelineSettings { ModelDirectory = SdTiny("pipeline"), Device = DeviceKind.Cpu, Steps = 3, Prompt = prompt });
            var made = new List<float[]>();
            pipeline.SynthesizerFor(["circle", "square"]).Run([new SynthesisItem(0, 0)], pipeline.Timesteps, 1.0, null, 5, 0, (_, image) => made.Add(image.ToArray()));
            var recipe = SynthesisRun.Recipe(pipeline, "generate", 1, 1, 1.0, null, ShardSpec.All, ["circle", "square"]);
            Assert.Equal(prompt ?? "a photo of a {class}", recipe.Prompt);
            Assert.Equal(0.18215, recipe.LatentScalingFactor);
            return made[0];
        }
        var a = First(null);
        Assert.Equal(a, First(null));
        Assert.NotEqual(a, First("an image of {class}"));
    }
}
