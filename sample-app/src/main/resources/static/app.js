'use strict';

// The demo page: polls the sale, fires simulated buyers, and shows Baton's meters. No build step.
const $ = (id) => document.getElementById(id);
const counts = { created: 0, soldOut: 0, already: 0, busy: 0, other: 0 };
const rates = [];
let lastSample = null;
let running = false;

const sku = () => $('sku').value.trim();

async function openSale() {
	const response = await fetch(`/api/flash-sales/${encodeURIComponent(sku())}`, {
		method: 'PUT',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ stock: Number($('stock').value) }),
	});
	const body = await response.json();
	if (!response.ok) {
		showStatus(`Could not open the sale: ${body.message}`, true);
		return;
	}
	Object.keys(counts).forEach((key) => { counts[key] = 0; });
	rates.length = 0;
	lastSample = null;
	showCounts();
	showStatus(`Sale ${body.sku} open with ${body.stock} in stock`);
	await refreshSale();
}

async function simulateBuyers() {
	if (running) {
		return;
	}
	const total = Number($('buyers').value);
	const run = Math.random().toString(36).slice(2, 8);
	running = true;
	$('simulate').disabled = true;
	showStatus(`Sending ${total} buyers…`);
	let next = 0;
	const worker = async () => {
		while (next < total) {
			const index = next++;
			await buy(`web-${run}-${index}`);
		}
	};
	await Promise.all(Array.from({ length: Math.min(16, total) }, worker));
	running = false;
	$('simulate').disabled = false;
	showStatus(`Done: ${total} buyers sent`);
	await refreshSale();
}

async function buy(userId) {
	try {
		const response = await fetch(`/api/flash-sales/${encodeURIComponent(sku())}/orders`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ userId }),
		});
		const body = await response.json().catch(() => ({}));
		if (response.status === 201) counts.created++;
		else if (response.status === 409 && body.error === 'SOLD_OUT') counts.soldOut++;
		else if (response.status === 409 && body.error === 'ALREADY_ORDERED') counts.already++;
		else if (response.status === 429) counts.busy++;
		else counts.other++;
	}
	catch (failure) {
		counts.other++;
	}
	showCounts();
}

async function refreshSale() {
	const response = await fetch(`/api/flash-sales/${encodeURIComponent(sku())}`);
	if (response.status === 404) {
		['stat-stock', 'stat-sold', 'stat-orders', 'stat-oversold'].forEach((id) => { $(id).textContent = '–'; });
		return;
	}
	if (!response.ok) {
		return;
	}
	const sale = await response.json();
	$('stat-stock').textContent = sale.stock;
	$('stat-sold').textContent = sale.sold;
	$('stat-orders').textContent = sale.orders;
	const oversold = Math.max(0, sale.orders - sale.sold);
	$('stat-oversold').textContent = oversold;
	$('oversold-tile').classList.toggle('alarm', oversold > 0);
	sampleRate(sale.orders);
}

function sampleRate(orders) {
	const now = performance.now();
	if (lastSample !== null) {
		const perSecond = Math.max(0, (orders - lastSample.orders) / ((now - lastSample.at) / 1000));
		rates.push(perSecond);
		if (rates.length > 120) rates.shift();
		drawChart();
	}
	lastSample = { orders, at: now };
}

function drawChart() {
	const canvas = $('rate-chart');
	const context = canvas.getContext('2d');
	const max = Math.max(10, ...rates);
	const width = canvas.width / 120;
	context.clearRect(0, 0, canvas.width, canvas.height);
	context.fillStyle = '#3559e0';
	rates.forEach((rate, index) => {
		const height = (rate / max) * (canvas.height - 16);
		context.fillRect(index * width, canvas.height - height, Math.max(1, width - 1), height);
	});
	context.fillStyle = '#667';
	context.font = '11px system-ui, sans-serif';
	context.fillText(`peak ${Math.round(max)}/s`, 4, 12);
}

async function refreshMeters() {
	const response = await fetch('/actuator/prometheus');
	if (!response.ok) {
		return;
	}
	const rows = (await response.text()).split('\n')
		.filter((line) => /^(baton|sample)_/.test(line))
		.filter((line) => !/_(bucket|max|sum)\{/.test(line) && !/_(max|sum) /.test(line))
		.map(parseSample)
		.filter((row) => row !== null);
	$('meters').querySelector('tbody').innerHTML = rows
		.map((row) => `<tr><td>${escape(row.name)}</td><td>${escape(row.tags)}</td><td class="num">${row.value}</td></tr>`)
		.join('');
}

function parseSample(line) {
	const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
	if (!match) {
		return null;
	}
	const value = Number(match[4]);
	return { name: match[1], tags: match[3] || '', value: Number.isInteger(value) ? value : value.toFixed(3) };
}

function showCounts() {
	$('count-201').textContent = counts.created;
	$('count-sold-out').textContent = counts.soldOut;
	$('count-already').textContent = counts.already;
	$('count-429').textContent = counts.busy;
	$('count-other').textContent = counts.other;
}

function showStatus(text, error = false) {
	$('status').textContent = text;
	$('status').classList.toggle('error', error);
}

function escape(text) {
	return String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

$('open-sale').addEventListener('click', openSale);
$('simulate').addEventListener('click', simulateBuyers);
$('buyers').addEventListener('input', () => { $('simulate-count').textContent = $('buyers').value; });
setInterval(refreshSale, 500);
setInterval(refreshMeters, 2000);
refreshSale();
refreshMeters();
