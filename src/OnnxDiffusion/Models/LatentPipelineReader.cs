using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Models;

/// <summary>The parts of a latent text-to-image pipeline beyond its U-Net, as files.</summary>
/// <param name="TokenizerDirectory">tokenizer/ (CLIP BPE: vocab.json, merges.txt).</param>
/// <param name="TextEncoder">text_encoder/model.onnx.</param>
/// <param name="VaeEncoder">vae_encoder/model.onnx, or null when the folder has none (generation only).</param>
/// <param name="VaeDecoder">vae_decoder/model.onnx.</param>
public sealed record LatentParts(string TokenizerDirectory, string TextEncoder, string? VaeEncoder, string VaeDecoder);

/// <summary>
/// Reads Hugging Face Optimum's Stable Diffusion export: model_index.json, scheduler/, tokenizer/, text_encoder/,
/// unet/, vae_encoder/ (optional), vae_decoder/, each model.onnx with its config.json. The U-Net's manifest is inferred
/// as for pixel pipelines, with its text input taken as the condition; the images' geometry and the latent scaling come
/// from the VAE: latents are image size / 2^(len(block_out_channels) − 1), scaled by scaling_factor (Optimum's fallback
/// when the config has none: 2^(len(block_out_channels) − 1)).
/// </summary>
public static class LatentPipelineReader
{
    /// <summary>The components that make a pipeline folder a latent one.</summary>
    public static readonly IReadOnlyList<string> Markers = ["vae_decoder", "vae_encoder", "text_encoder", "vae"];

    /// <summary>Reads the folder.</summary>
    /// <exception cref="ConfigException">A missing part or a disagreement between parts (one line, named).</exception>
    public static (ModelManifest Manifest, LatentParts Parts, string? Notice) Read(string path, string onnx, SchedulerConfig scheduler,
        UNetConfig? unet, ModelOverrides overrides)
    {
        string Part(string name) => Path.Combine(path, name, "model.onnx");
        string decoder = Part("vae_decoder");
        if (!File.Exists(decoder))
            throw new ConfigException(Directory.Exists(Path.Combine(path, "vae"))
                ? $"{path}: a latent pipeline with vae/ but no vae_decoder/model.onnx: this is a PyTorch diffusers folder; export it to ONNX first (Optimum: optimum-cli export onnx --model <it> <out>)"
                : $"{path}: a latent pipeline without vae_decoder/model.onnx: its latents cannot be decoded into images");
        string? encoder = File.Exists(Part("vae_encoder")) ? Part("vae_encoder") : null;
        string textEncoder = Part("text_encoder");
        if (!File.Exists(textEncoder))
            throw new ConfigException($"{path}: a latent pipeline without text_encoder/model.onnx: its U-Net is conditioned on text and needs the encoder");
        string tokenizer = Path.Combine(path, "tokenizer");
        if (!Directory.Exists(tokenizer))
            throw new ConfigException($"{path}: a latent pipeline without tokenizer/ (vocab.json and merges.txt of the CLIP tokenizer)");

        var vae = VaeConfig.Load(new[] { Path.Combine(path, "vae_decoder", "config.json"), Path.Combine(path, "vae_encoder", "config.json") }
            .FirstOrDefault(File.Exists));
        var text = TextSide(path, textEncoder, tokenizer);
        var m = ManifestInference.Infer(GraphSignature.Read(onnx), "unet/model.onnx", onnx, unet, overrides, scheduler, text);
        if (vae.LatentChannels is int lc && lc != m.Channels)
            throw new ConfigException($"{vae.Source}: latent_channels = {lc} but the U-Net's sample has {m.Channels} channels ({onnx})");

        // Images are what the decoder makes: its output's geometry where fixed, else the latent's times the VAE's factor.
        var decoded = GraphSignature.Read(decoder);
        var latentIn = decoded.Inputs.Count == 1 ? decoded.Inputs[0]
            : throw new ConfigException($"{decoder}: {decoded.Inputs.Count} inputs: expected one (latent_sample)");
        if (latentIn.Rank != 4 || (!latentIn.IsDynamic(1) && latentIn.Dims[1] != m.Channels))
            throw new ConfigException($"{decoder}: input '{latentIn.Name}' is {latentIn}: expected [B,{m.Channels},h,w] like the U-Net's sample");
        var image = PickImageOutput(decoder, decoded);
        int factor = vae.DownsampleFactor;
        int size = m.ImageSize * factor;
        if (image.Rank != 4)
            throw new ConfigException($"{decoder}: output '{image.Name}' is {image}: expected [B,C,H,W] images");
        if (!image.IsDynamic(2) && image.Dims[2] != size)
            throw new ConfigException($"{decoder}: output '{image.Name}' is {image.Dims[2]} pixels high but latents of {m.ImageSize} × {factor} ({vae.Source} block_out_channels) make {size}");
        int channels = !image.IsDynamic(1) ? image.Dims[1] : vae.OutChannels ?? 3;
        if (vae.SampleSize is int configured && configured != size)
            throw new ConfigException($"{vae.Source}: sample_size = {configured} but the U-Net's {m.ImageSize}×{m.ImageSize} latents decode to {size}×{size}");

        double scale = vae.ScalingFactor ?? factor;
        string scaleSource = vae.ScalingFactor is null
            ? $"{Path.GetRelativePath(path, vae.Source)} has no scaling_factor: 2^(len(block_out_channels) − 1) = {factor}, as Optimum falls back"
            : $"scaling_factor in {Path.GetRelativePath(path, vae.Source)}";
        var manifest = m with
        {
            Channels = channels,
            ImageSize = size,
            Latent = new LatentSpec(m.Channels, m.ImageSize, scale, scaleSource),
        };
        string? notice = encoder is null
            ? $"{path}: no vae_encoder/model.onnx: real images cannot be encoded into latents, so reconstruct (and reproduce's reconstructions) are unavailable; generate works"
            : null;
        return (manifest, new LatentParts(tokenizer, textEncoder, encoder, decoder), notice);
    }

    // Prompt length from the tokenizer config (CLIP: 77), hidden size from the encoder's config or graph.
    private static TextContext TextSide(string path, string textEncoder, string tokenizer)
    {
        int length = 77;
        string lengthSource = "CLIP's 77";
        string tokenizerConfig = Path.Combine(tokenizer, "tokenizer_config.json");
        if (File.Exists(tokenizerConfig))
        {
            var obj = ModelOverrides.ReadObject(tokenizerConfig, "the tokenizer config");
            // Some exports store a huge sentinel (1e30) meaning "no limit": CLIP's position table still has 77 rows.
            if (obj["model_max_length"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out double max) && max is >= 3 and <= 10000)
                (length, lengthSource) = ((int)max, $"{Path.GetRelativePath(path, tokenizerConfig)} model_max_length");
        }
        var graph = GraphSignature.Read(textEncoder);
        var states = graph.Outputs.FirstOrDefault(o => o.Name == "last_hidden_state") ?? graph.Outputs.FirstOrDefault(o => o.Rank == 3)
                     ?? throw new ConfigException($"{textEncoder}: no last_hidden_state output (outputs: {string.Join(", ", graph.Outputs.Select(o => $"{o.Name} {o}"))})");
        if (states.Rank != 3)
            throw new ConfigException($"{textEncoder}: output '{states.Name}' is {states}: expected [B, tokens, hidden]");
        string config = Path.Combine(path, "text_encoder", "config.json");
        int? configured = null;
        if (File.Exists(config))
        {
            var obj = ModelOverrides.ReadObject(config, "the text encoder config");
            if (obj["hidden_size"] is not null)
                configured = new ConfigKeys(obj, config).Int("hidden_size");
        }
        if (!states.IsDynamic(2))
        {
            if (configured is int c && c != states.Dims[2])
                throw new ConfigException($"{config}: hidden_size = {c} but {textEncoder} output '{states.Name}' is {states}");
            return new TextContext(length, lengthSource, states.Dims[2], textEncoder);
        }
        return configured is int hidden
            ? new TextContext(length, lengthSource, hidden, config)
            : throw new ConfigException($"{textEncoder}: output '{states.Name}' ({states}) has a dynamic hidden size and there is no text_encoder/config.json hidden_size");
    }

    private static TensorSignature PickImageOutput(string decoder, GraphSignature graph) =>
        graph.Outputs.FirstOrDefault(o => o.Name == "sample") ?? (graph.Outputs.Count == 1 ? graph.Outputs[0]
            : throw new ConfigException($"{decoder}: {graph.Outputs.Count} outputs and none is 'sample': which one is the image?"));
}

/// <summary>The keys of a VAE's config.json (diffusers AutoencoderKL) that shape latents.</summary>
/// <param name="ScalingFactor">scaling_factor, or null when absent.</param>
/// <param name="Blocks">len(block_out_channels), or null when absent.</param>
/// <param name="LatentChannels">latent_channels, or null.</param>
/// <param name="OutChannels">out_channels, or null.</param>
/// <param name="SampleSize">sample_size (the image's), or null.</param>
/// <param name="Source">The file (or the folder, when there is none).</param>
public sealed record VaeConfig(double? ScalingFactor, int? Blocks, int? LatentChannels, int? OutChannels, int? SampleSize, string Source)
{
    /// <summary>How many pixels one latent cell spans per side: 2^(blocks − 1); 8 (Stable Diffusion's) without a config.</summary>
    public int DownsampleFactor => 1 << ((Blocks ?? 4) - 1);

    /// <summary>Reads the file; null gives the defaults.</summary>
    /// <exception cref="ConfigException">Not JSON, or a key of the wrong type.</exception>
    public static VaeConfig Load(string? path)
    {
        if (path is null)
            return new VaeConfig(null, null, null, null, null, "(no VAE config.json)");
        var obj = ModelOverrides.ReadObject(path, "the VAE config");
        var keys = new ConfigKeys(obj, path);
        int? Int(string key) => obj[key] is null ? null : keys.Int(key) is var v && v >= 1 ? v : throw keys.Wrong(key, "an integer ≥ 1");
        double? scale = obj["scaling_factor"] is null ? null : keys.Double("scaling_factor");
        if (scale is double s && !(s > 0 && double.IsFinite(s)))
            throw keys.Wrong("scaling_factor", "a positive number");
        int? blocks = obj["block_out_channels"] is null ? null : keys.DoubleArrayOrNull("block_out_channels")!.Count;
        if (blocks is < 1 or > 8)
            throw keys.Wrong("block_out_channels", "a list of 1 to 8 channel counts");
        int? size = obj["sample_size"] is System.Text.Json.Nodes.JsonArray ? keys.DoubleArrayOrNull("sample_size") is { Count: 2 } hw && hw[0] == hw[1] ? (int)hw[0]
            : throw keys.Wrong("sample_size", "an integer or a square pair") : Int("sample_size");
        return new VaeConfig(scale, blocks, Int("latent_channels"), Int("out_channels"), size, path);
    }
}
