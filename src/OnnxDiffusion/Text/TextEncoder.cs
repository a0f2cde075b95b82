using OnnxDiffusion.Models;

namespace OnnxDiffusion.Text;

/// <summary>
/// A CLIP text encoder exported to ONNX (Optimum's text_encoder/model.onnx): token ids [B, L] (int32 or int64, as
/// the graph declares) → last_hidden_state [B, L, D], which the U-Net attends to.
/// </summary>
public sealed class TextEncoder : IDisposable
{
    private readonly ComponentSession _session;
    private readonly string _input, _output;

    /// <summary>Opens the encoder for prompts of <paramref name="spec"/>'s length and hidden size.</summary>
    /// <exception cref="OnnxDiffusionException">A graph whose input or output does not fit the spec.</exception>
    public TextEncoder(string path, TextSpec spec, string provider)
    {
        Spec = spec;
        _session = new ComponentSession(path, provider);
        try
        {
            var sig = _session.Signature;
            var ids = sig.Inputs.FirstOrDefault(i => i.Name == "input_ids") ?? (sig.Inputs.Count == 1 ? sig.Inputs[0]
                : throw new OnnxDiffusionException($"{path}: inputs {string.Join(", ", sig.Inputs.Select(i => i.Name))}: expected one named input_ids"));
            if (ids.Dtype is not ("int32" or "int64") || ids.Rank != 2)
                throw new OnnxDiffusionException($"{path}: input '{ids.Name}' is {ids}: expected int32 or int64 token ids [B, tokens]");
            if (!ids.IsDynamic(1) && ids.Dims[1] != spec.Length)
                throw new OnnxDiffusionException($"{path}: input '{ids.Name}' takes {ids.Dims[1]} tokens: expected {spec.Length}, as the tokenizer pads");
            var states = sig.Outputs.FirstOrDefault(o => o.Name == "last_hidden_state") ?? sig.Outputs.First(o => o.Rank == 3);
            _input = ids.Name;
            _output = states.Name;
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>What each prompt's embedding holds.</summary>
    public TextSpec Spec { get; }

    /// <summary>The hidden states of one prompt's padded ids: Length · Hidden values.</summary>
    /// <exception cref="OnnxDiffusionException">The encoder gave another shape.</exception>
    public float[] Encode(int[] ids)
    {
        if (ids.Length != Spec.Length)
            throw new ArgumentException($"{ids.Length} ids: expected {Spec.Length}", nameof(ids));
        var states = _session.Run(_input, ids, [1, ids.Length], _output);
        if (states.Length != Spec.EmbeddingSize)
            throw new OnnxDiffusionException(
                $"{_session.Path}: output '{_output}' holds {states.Length} values for one prompt: expected {Spec.Length} × {Spec.Hidden} for the U-Net's '{Spec.Input}'");
        return states;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
