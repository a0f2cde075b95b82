using OnnxDiffusion.Sampling;

namespace OnnxDiffusion.Models;

/// <summary>
/// The VAE of a latent pipeline as the loop's codec. Encoding takes the posterior's mode — the mean half of
/// <c>latent_parameters</c> (mean and log-variance stacked on channels), or <c>latent_sample</c> of older exports — so a
/// reconstruction is a function of its image alone, and multiplies by the scaling factor; decoding divides by it, runs
/// the decoder and clamps to [−1, 1], as diffusers' image post-processing does.
/// </summary>
public sealed class VaeCodec : IImageCodec, IDisposable
{
    private readonly ComponentSession? _encoder;
    private readonly ComponentSession _decoder;
    private readonly LatentSpec _latent;
    private readonly int _channels, _size;
    private readonly string _encoderOutput = "", _decoderInput, _decoderOutput;
    private readonly bool _parameters;

    /// <summary>Opens the VAE of <paramref name="parts"/> for a model described by <paramref name="manifest"/>.</summary>
    /// <exception cref="OnnxDiffusionException">A graph whose inputs or outputs do not fit the latent.</exception>
    public VaeCodec(LatentParts parts, ModelManifest manifest, string provider)
    {
        _latent = manifest.Latent ?? throw new ArgumentException("not a latent model", nameof(manifest));
        _channels = manifest.Channels;
        _size = manifest.ImageSize;
        _decoder = new ComponentSession(parts.VaeDecoder, provider);
        try
        {
            _decoderInput = _decoder.Signature.Inputs[0].Name;
            _decoderOutput = (_decoder.Signature.Outputs.FirstOrDefault(o => o.Name == "sample") ?? _decoder.Signature.Outputs[0]).Name;
            if (parts.VaeEncoder is { } path)
            {
                _encoder = new ComponentSession(path, provider);
                var outputs = _encoder.Signature.Outputs;
                var output = outputs.FirstOrDefault(o => o.Name == "latent_parameters") ?? outputs.FirstOrDefault(o => o.Name == "latent_sample")
                             ?? (outputs.Count == 1 ? outputs[0] : throw new OnnxDiffusionException(
                                 $"{path}: outputs {string.Join(", ", outputs.Select(o => o.Name))}: expected latent_parameters (mean and log-variance) or latent_sample"));
                int c = output.Rank == 4 && !output.IsDynamic(1) ? output.Dims[1] : output.Name == "latent_parameters" ? 2 * _latent.Channels : _latent.Channels;
                if (c != _latent.Channels && c != 2 * _latent.Channels)
                    throw new OnnxDiffusionException(
                        $"{path}: output '{output.Name}' is {output}: expected {2 * _latent.Channels} channels (mean and log-variance) or {_latent.Channels} (a latent) for the U-Net's {_latent.Channels}-channel latents");
                _encoderOutput = output.Name;
                _parameters = c == 2 * _latent.Channels;
                if (_encoder.Signature.Inputs.Count != 1)
                    throw new OnnxDiffusionException($"{path}: {_encoder.Signature.Inputs.Count} inputs: expected one (sample)");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public int PixelCount => _channels * _size * _size;

    /// <inheritdoc />
    public int SampleSize => _latent.Channels * _latent.Size * _latent.Size;

    /// <inheritdoc />
    public bool CanEncode => _encoder is not null;

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<float> images, int count, Span<float> samples)
    {
        if (_encoder is null)
            throw new OnnxDiffusionException("this latent pipeline has no vae_encoder: real images cannot be encoded (generation still works)");
        var raw = _encoder.Run(_encoder.Signature.Inputs[0].Name, images[..(count * PixelCount)], [count, _channels, _size, _size], _encoderOutput);
        int plane = _latent.Size * _latent.Size, per = _latent.Channels * plane, stride = _parameters ? 2 * per : per;
        if (raw.Length != count * stride)
            throw new OnnxDiffusionException($"{_encoder.Path}: output '{_encoderOutput}' holds {raw.Length} values for {count} images: expected {count * stride}");
        float scale = (float)_latent.ScalingFactor;
        for (int i = 0; i < count; i++)
        {
            // The mean is the first half of each image's parameters (diffusers' DiagonalGaussianDistribution.mode()).
            var mean = raw.AsSpan(i * stride, per);
            var into = samples.Slice(i * per, per);
            for (int j = 0; j < per; j++)
                into[j] = mean[j] * scale;
        }
    }

    /// <inheritdoc />
    public void Decode(ReadOnlySpan<float> samples, int count, Span<float> images)
    {
        int per = SampleSize;
        var scaled = new float[count * per];
        float inverse = (float)(1.0 / _latent.ScalingFactor);
        for (int j = 0; j < scaled.Length; j++)
            scaled[j] = samples[j] * inverse;
        var raw = _decoder.Run(_decoderInput, scaled, [count, _latent.Channels, _latent.Size, _latent.Size], _decoderOutput);
        if (raw.Length != count * PixelCount)
            throw new OnnxDiffusionException($"{_decoder.Path}: output '{_decoderOutput}' holds {raw.Length} values for {count} latents: expected {count * PixelCount} ({_channels}×{_size}×{_size} each)");
        for (int j = 0; j < raw.Length; j++)
            images[j] = Math.Clamp(raw[j], -1f, 1f);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _encoder?.Dispose();
        _decoder?.Dispose();
    }
}
