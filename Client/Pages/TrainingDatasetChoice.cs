using System.Globalization;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Pages;

/// <summary>
/// What the training page shows of the datasets: each one's option text and details (tokenizer, vocabulary, split
/// sizes), and the form fields whose defaults differ between them, with each dataset's value: the page's script sets
/// those fields when another dataset is chosen, so a grid dataset gets its longer context without the user having to
/// know it needs one.
/// </summary>
public static class TrainingDatasetChoice
{
    public static string Option(TrainingDatasetInfo dataset) =>
        $"{dataset.Id} ({dataset.Tokenizer} tokens, vocabulary {dataset.VocabularySize}" +
        (dataset.Split("train") is { } train ? $", {N(train.Tokens)} train tokens)" : ")");

    public static string Details(TrainingDatasetInfo dataset) =>
        $"{dataset.Description}. Tokenizer {dataset.Tokenizer}, vocabulary {dataset.Vocabulary} ({dataset.VocabularySize} tokens). " +
        string.Join("; ", dataset.Splits.Select(s => $"{s.Name}: {N(s.SourcePieces)} pieces, {N(s.Sequences)} sequences, {N(s.Tokens)} tokens")) + ".";

    /// <summary>Per dataset id, the form fields some dataset suggests a value for, with the value this dataset's form starts from.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> FieldDefaults(IReadOnlyList<TrainingDatasetInfo> datasets)
    {
        var fields = datasets.SelectMany(d => SuggestedFields(d.SuggestedSettings)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return datasets.ToDictionary(d => d.Id, d =>
        {
            TrainingForm form = TrainingForm.For(d);
            return (IReadOnlyDictionary<string, string>)fields.ToDictionary(f => f,
                f => Convert.ToString(typeof(TrainingForm).GetProperty(f)!.GetValue(form), CultureInfo.InvariantCulture) ?? "");
        });
    }

    /// <summary>The form properties ("ContextLength") a dataset's suggested settings give a value.</summary>
    private static IEnumerable<string> SuggestedFields(TrainingSettings settings) =>
        typeof(TrainingSettings).GetProperties()
            .Where(p => p.GetValue(settings) is not null && typeof(TrainingForm).GetProperty(p.Name) is not null)
            .Select(p => p.Name);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
