// Deterministic synthetic RSS feeds for benchmarks: realistic sizes (HTML descriptions and
// content, categories, dates), French and English, the same bytes on every run.

const TOPICS_EN = [
  'open-source model release with weights and training code',
  'federated learning across hospitals without pooling patient data',
  'privacy attack extracts training data from a language model',
  'the EU AI Act code of practice for general-purpose models',
  'a prompt injection vulnerability in coding agents',
  'NeurIPS workshop on efficient inference announced',
  'benchmarking long-context retrieval',
  'a new tokenizer for multilingual text',
];
const TOPICS_FR = [
  'publication d’un modèle open source sous licence Apache',
  'l’apprentissage fédéré au service des hôpitaux',
  'la CNIL et les données personnelles dans l’entraînement',
  'le règlement européen sur l’IA entre en application',
  'une faille de sécurité dans un assistant de code',
  'la conférence VivaTech annonce son programme IA',
];

export function syntheticFeed(index: number, itemsPerFeed: number, baseDate = Date.UTC(2026, 10, 20)): string {
  const french = index % 5 === 0;
  const topics = french ? TOPICS_FR : TOPICS_EN;
  const items: string[] = [];
  for (let n = 0; n < itemsPerFeed; n += 1) {
    const topic = topics[(index + n) % topics.length] ?? '';
    const date = new Date(baseDate - (index * 7 + n) * 3_600_000).toUTCString();
    const paragraph = french
      ? `Dans cet article, nous revenons sur ${topic}. Les chercheurs expliquent leur méthode, les résultats et les limites, avec des liens vers le code et les données. `
      : `In this post we look at ${topic}. The researchers explain their method, results and limits, with links to the code and the data. `;
    items.push(`    <item>
      <title>${french ? 'Actualité' : 'News'} ${index}-${n}: ${topic}</title>
      <link>https://feed${index}.example.org/posts/${n}?utm_source=rss&amp;utm_medium=feed</link>
      <guid isPermaLink="false">feed${index}-item${n}</guid>
      <pubDate>${date}</pubDate>
      <dc:creator>Author ${n % 7}</dc:creator>
      <category>${french ? 'Intelligence artificielle' : 'Machine learning'}</category>
      <category>Research</category>
      <description><![CDATA[<p>${paragraph}</p>]]></description>
      <content:encoded><![CDATA[<p>${paragraph.repeat(3)}</p><p><a href="https://example.com/paper/${index}/${n}">Paper</a> <img src="/img/${n}.png" alt="figure"></p><ul><li>${topic}</li><li>code</li></ul><script>alert(1)</script>]]></content:encoded>
    </item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Synthetic feed ${index}</title>
    <link>https://feed${index}.example.org/</link>
    <description>Benchmark feed ${index}</description>
    <language>${french ? 'fr-FR' : 'en-US'}</language>
${items.join('\n')}
  </channel>
</rss>
`;
}
