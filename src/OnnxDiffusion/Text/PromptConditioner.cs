using OnnxDiffusion.Sampling;

namespace OnnxDiffusion.Text;

/// <summary>
/// Conditions a text-to-image model on class labels through prompts: class c's prompt is the template with
/// <c>{class}</c> replaced by its name (underscores read as spaces, as folder names use them), and the null condition
/// guidance pairs it with is the empty prompt, as diffusers does without a negative prompt. The text encoder runs once
/// per distinct prompt; batches only gather the cached embeddings.
/// </summary>
public sealed class PromptConditioner : IConditioner
{
    /// <summary>The template used when none is given.</summary>
    public const string DefaultTemplate = "a photo of a {class}";

    private readonly float[][] _byClass;
    private readonly float[] _null;
    private readonly int _size;

    /// <summary>Encodes every class's prompt and the empty prompt.</summary>
    /// <exception cref="ConfigException">A template without <c>{class}</c> (every class would get the same prompt).</exception>
    public PromptConditioner(ClipTokenizer tokenizer, TextEncoder encoder, string template, IReadOnlyList<string> classNames)
    {
        if (!template.Contains("{class}", StringComparison.Ordinal))
            throw new ConfigException($"--prompt '{template}': expected a template with {{class}} (e.g. \"{DefaultTemplate}\"), or every class gets the same prompt");
        Template = template;
        Prompts = classNames.Select(c => Prompt(template, c)).ToArray();
        var cache = new Dictionary<string, float[]>(StringComparer.Ordinal);
        float[] Embed(string prompt)
        {
            if (!cache.TryGetValue(prompt, out var e))
                cache[prompt] = e = encoder.Encode(tokenizer.Encode(prompt));
            return e;
        }
        _byClass = Prompts.Select(Embed).ToArray();
        _null = Embed("");
        _size = encoder.Spec.EmbeddingSize;
        Encodings = cache.Count;
    }

    /// <summary>The template.</summary>
    public string Template { get; }

    /// <summary>One prompt per class, in label order.</summary>
    public IReadOnlyList<string> Prompts { get; }

    /// <summary>Text-encoder runs it took (distinct prompts, the empty one included).</summary>
    public int Encodings { get; }

    /// <summary>Class <paramref name="className"/>'s prompt under <paramref name="template"/>.</summary>
    public static string Prompt(string template, string className) => template.Replace("{class}", className.Replace('_', ' '), StringComparison.Ordinal);

    /// <inheritdoc />
    public Conditioning ForLabels(ReadOnlyMemory<long> labels)
    {
        var span = labels.Span;
        var values = new float[span.Length * _size];
        for (int i = 0; i < span.Length; i++)
        {
            long y = span[i];
            if (y < 0 || y >= _byClass.Length)
                throw new OnnxDiffusionException($"class label {y} of sample {i}: expected 0 … {_byClass.Length - 1} (one prompt per class)");
            _byClass[y].CopyTo(values, i * _size);
        }
        return Conditioning.Embeddings(values, _size, _null);
    }
}
