// A Kafka client that is not kuota's: produces stdin lines with kafkajs.
// usage: node kafkajs-produce.js BROKER TOPIC KEY
const { Kafka, logLevel } = require('kafkajs');
const [broker, topic, key] = process.argv.slice(2);
let input = '';
process.stdin.on('data', d => input += d).on('end', async () => {
  const kafka = new Kafka({ clientId: 'kafkajs-foreign', brokers: [broker], logLevel: logLevel.ERROR });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const messages = input.split('\n').filter(l => l.trim()).map(value => ({ key, value }));
  await producer.send({ topic, messages, acks: -1 });
  await producer.disconnect();
  console.log(`sent ${messages.length}`);
});
